// Package tracing sends OpenTelemetry traces of the server's requests to
// a collector over OTLP/HTTP, when an endpoint is configured.
//
// Each request gets one server span named by its route pattern ("GET
// /api/v1/attempts/{id}", never the raw path, so names stay few), with the
// semantic-convention attributes of otelhttp (method, route, status,
// sizes). A request that arrives with a W3C traceparent header continues
// that trace, so a load balancer's or a client's trace links to certlab's.
// The request log line carries the trace id.
//
// The exporter, the batching span processor and the sampler are
// OpenTelemetry's own (go.opentelemetry.io/otel/sdk and otlptracehttp);
// the standard OTEL_EXPORTER_OTLP_* variables for headers, TLS and
// compression apply to the exporter.
package tracing

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"go.opentelemetry.io/contrib/instrumentation/net/http/otelhttp"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/metric/noop"
	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
)

// Config says where spans go and how many are kept.
type Config struct {
	// Endpoint is the collector's OTLP/HTTP traces URL, path included
	// (http://collector:4318/v1/traces); a URL without a path gets
	// /v1/traces.
	Endpoint string
	// Sample is the fraction of new traces recorded, in (0, 1]; a
	// request whose caller sampled its trace is always recorded, one
	// whose caller did not is never (parent-based sampling).
	Sample float64
	// Service, Version and Instance name this process in the spans'
	// resource (service.name, service.version, service.instance.id).
	Service, Version, Instance string
}

// CheckEndpoint checks an endpoint as Config takes it: an http or https
// URL with a host.
func CheckEndpoint(endpoint string) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not an http:// or https:// URL of an OTLP collector", endpoint)
	}
	if u.Path == "" || u.Path == "/" {
		u.Path = "/v1/traces"
	}
	return u.String(), nil
}

// Provider is a tracer provider that exports to a collector; Shutdown
// sends the spans still buffered.
type Provider struct {
	*sdktrace.TracerProvider
}

// New starts a provider for cfg. It does not contact the collector: spans
// are sent in batches, and a collector that is down costs dropped spans
// (logged by OpenTelemetry's error handler), never a failed request.
func New(ctx context.Context, cfg Config) (*Provider, error) {
	endpoint, err := CheckEndpoint(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	if cfg.Sample <= 0 || cfg.Sample > 1 {
		return nil, fmt.Errorf("trace sample %v must be more than 0 and at most 1", cfg.Sample)
	}
	exp, err := otlptracehttp.New(ctx, otlptracehttp.WithEndpointURL(endpoint))
	if err != nil {
		return nil, fmt.Errorf("OTLP exporter: %w", err)
	}
	attrs := []attribute.KeyValue{semconv.ServiceName(cfg.Service)}
	if cfg.Version != "" {
		attrs = append(attrs, semconv.ServiceVersion(cfg.Version))
	}
	if cfg.Instance != "" {
		attrs = append(attrs, semconv.ServiceInstanceID(cfg.Instance))
	}
	res, err := resource.Merge(resource.Default(), resource.NewWithAttributes(semconv.SchemaURL, attrs...))
	if err != nil {
		return nil, fmt.Errorf("trace resource: %w", err)
	}
	tp := sdktrace.NewTracerProvider(
		sdktrace.WithBatcher(exp, sdktrace.WithBatchTimeout(2*time.Second)),
		sdktrace.WithResource(res),
		sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(cfg.Sample))),
	)
	return &Provider{TracerProvider: tp}, nil
}

// propagator reads and writes W3C trace context and baggage headers.
var propagator = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

// Middleware gives every request a server span from tp, named by route
// (the request's route pattern, or "" when no route matches: the span is
// then named by the method alone).
func Middleware(tp trace.TracerProvider, route func(*http.Request) string, next http.Handler) http.Handler {
	name := func(_ string, r *http.Request) string {
		if p := route(r); p != "" {
			return p
		}
		return r.Method
	}
	// The route goes on the span as http.route, as the semantic
	// conventions ask for server spans.
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := route(r); p != "" {
			trace.SpanFromContext(r.Context()).SetAttributes(semconv.HTTPRoute(p))
		}
		next.ServeHTTP(w, r)
	})
	return otelhttp.NewHandler(inner, "certlab",
		otelhttp.WithTracerProvider(tp),
		otelhttp.WithPropagators(propagator),
		otelhttp.WithMeterProvider(noop.NewMeterProvider()), // metrics are Prometheus's (internal/metrics)
		otelhttp.WithSpanNameFormatter(name),
	)
}

// TraceID is the id of the trace the request's context belongs to, or ""
// when it is not traced.
func TraceID(ctx context.Context) string {
	if sc := trace.SpanContextFromContext(ctx); sc.IsValid() {
		return sc.TraceID().String()
	}
	return ""
}
