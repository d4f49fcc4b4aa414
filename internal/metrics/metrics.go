// Package metrics is certlab's Prometheus instrumentation
// (prometheus/client_golang): request latency by route, response saves and
// exam starts, open attempts, sweeper runs, the database pools and SQLite's
// group-commit writer, password hashing, and the Go runtime. It serves
// /metrics, and /debug/pprof on the separate operations address only.
package metrics

import (
	"context"
	"database/sql"
	"net/http"
	"net/http/pprof"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metrics holds certlab's collectors in a registry of their own.
type Metrics struct {
	Registry *prometheus.Registry

	requests *prometheus.HistogramVec
	inflight prometheus.Gauge
	saves    *prometheus.CounterVec
	starts   *prometheus.CounterVec
	sweeps   *prometheus.CounterVec
	sweepDur *prometheus.HistogramVec
}

// New returns the collectors, registered with the Go runtime and process
// collectors.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{Registry: reg,
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "certlab_http_request_duration_seconds",
			Help:    "Time to answer HTTP requests, by route pattern, method and status code.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}}, []string{"route", "method", "code"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{Name: "certlab_http_requests_in_flight", Help: "HTTP requests being answered."}),
		saves: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "certlab_response_saves_total",
			Help: "Answer saves (API and web autosave), by status code."}, []string{"code"}),
		starts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "certlab_attempt_starts_total",
			Help: "Attempt creations and starts (API and web), by status code."}, []string{"code"}),
		sweeps: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "certlab_sweep_runs_total",
			Help: "Periodic jobs: ran (here), skipped (another server ran it) or failed."}, []string{"job", "result"}),
		sweepDur: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "certlab_sweep_duration_seconds",
			Help: "Duration of periodic jobs that ran here.", Buckets: prometheus.ExponentialBuckets(.001, 4, 10)}, []string{"job"}),
	}
	reg.MustRegister(m.requests, m.inflight, m.saves, m.starts, m.sweeps, m.sweepDur,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// saveRoutes and startRoutes are the route patterns counted as saves and
// starts.
var (
	saveRoutes = map[string]bool{
		"PUT /api/v1/attempts/{id}/responses/{key}": true,
		"POST /attempts/{id}/autosave":              true,
		"POST /attempts/{id}/answer":                true,
	}
	startRoutes = map[string]bool{
		"POST /api/v1/attempts":            true,
		"POST /api/v1/attempts/{id}/start": true,
		"POST /attempts":                   true,
	}
)

type recorder struct {
	http.ResponseWriter
	code int
}

func (r *recorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Middleware times every request. route names the request's route pattern
// (the mux's, so that labels stay few); "" is counted as "other".
func (m *Metrics) Middleware(route func(*http.Request) string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.inflight.Inc()
		rec := &recorder{ResponseWriter: w}
		defer func() {
			m.inflight.Dec()
			if rec.code == 0 {
				rec.code = http.StatusOK
			}
			p := route(r)
			if p == "" {
				p = "other"
			}
			code := strconv.Itoa(rec.code)
			m.requests.WithLabelValues(p, r.Method, code).Observe(time.Since(start).Seconds())
			if saveRoutes[p] {
				m.saves.WithLabelValues(code).Inc()
			}
			if startRoutes[p] {
				m.starts.WithLabelValues(code).Inc()
			}
		}()
		next.ServeHTTP(rec, r)
	})
}

// Sweep runs a periodic job's step and records it: fn reports whether the
// job ran here.
func (m *Metrics) Sweep(job string, fn func() (bool, error)) {
	start := time.Now()
	ran, err := fn()
	switch {
	case err != nil:
		m.sweeps.WithLabelValues(job, "failed").Inc()
	case ran:
		m.sweeps.WithLabelValues(job, "ran").Inc()
		m.sweepDur.WithLabelValues(job).Observe(time.Since(start).Seconds())
	default:
		m.sweeps.WithLabelValues(job, "skipped").Inc()
	}
}

// DB registers the connection pool figures of db under the name.
func (m *Metrics) DB(db *sql.DB, name string) {
	m.Registry.MustRegister(collectors.NewDBStatsCollector(db, name))
}

// Gauge registers a gauge read at every scrape.
func (m *Metrics) Gauge(name, help string, fn func() float64) {
	m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, fn))
}

// Counter registers a counter read at every scrape.
func (m *Metrics) Counter(name, help string, fn func() float64) {
	m.Registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, fn))
}

// CountQuery registers a gauge whose value a database query gives at
// scrape time, bounded by a timeout; a failed query reads as -1.
func (m *Metrics) CountQuery(name, help string, count func(ctx context.Context) (int, error)) {
	m.Gauge(name, help, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := count(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	})
}

// Handler serves the metrics in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{})
}

// OpsHandler is the handler of the separate operations address: /metrics
// without authentication (the address is meant for the monitoring network
// only) and Go's profiler under /debug/pprof. The profiler is never on the
// public address.
func (m *Metrics) OpsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return mux
}
