package lab

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/rulefmt"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/promql/promqltest"
	"github.com/prometheus/prometheus/rules"
	"go.yaml.in/yaml/v3"
)

// Prometheus alerting and recording rules: parsed and validated by
// Prometheus's own rule loader (expressions included), and graded by rule
// unit tests that the lab ships, evaluated on the real PromQL engine over
// the series the test loads, in the style of promtool test rules.

type promRulesParams struct {
	File        string   `yaml:"file"`
	Alerts      []string `yaml:"alerts"`      // alert names that must be defined
	Recording   []string `yaml:"recording"`   // recording rule names that must be defined
	Labels      []string `yaml:"labels"`      // labels every alert must set (e.g. severity)
	Annotations []string `yaml:"annotations"` // annotations every alert must set (e.g. summary, runbook_url)
	MinFor      string   `yaml:"min_for"`     // every alert waits at least this long (for:)
}

type promTestParams struct {
	Rules string `yaml:"rules"` // the workspace's rules file
	Tests string `yaml:"tests"` // the lab's test file (promtool test format: input_series, alert_rule_test)
}

// promTestFile is the subset of promtool's unit-test format certlab runs.
type promTestFile struct {
	EvaluationInterval model.Duration `yaml:"evaluation_interval"`
	Tests              []struct {
		Name        string         `yaml:"name"`
		Interval    model.Duration `yaml:"interval"`
		InputSeries []struct {
			Series string `yaml:"series"`
			Values string `yaml:"values"`
		} `yaml:"input_series"`
		AlertRuleTests []struct {
			EvalTime  model.Duration `yaml:"eval_time"`
			Alertname string         `yaml:"alertname"`
			ExpAlerts []struct {
				ExpLabels      map[string]string `yaml:"exp_labels"`
				ExpAnnotations map[string]string `yaml:"exp_annotations"`
			} `yaml:"exp_alerts"`
		} `yaml:"alert_rule_test"`
	} `yaml:"tests"`
}

var promParser = parser.NewParser(parser.Options{})

func init() {
	register("prometheus-rules", "a Prometheus rules file loads (expressions parse) and defines the alerts and recording rules asked, with their labels and annotations", false,
		validatePrometheusRules, checkPrometheusRules)
	register("prometheus-rule-tests", "the workspace's rules pass the lab's rule unit tests on the PromQL engine (alerts fire, or stay silent, when the tests say)", false,
		validatePrometheusRuleTests, checkPrometheusRuleTests)
}

// runPromTest loads the series, evaluates the rule groups step by step and
// compares the firing alerts at each eval_time: "" when they match.
func runPromTest(ctx context.Context, rulesFile string, evalInterval, interval model.Duration, series []struct {
	Series string `yaml:"series"`
	Values string `yaml:"values"`
}, tests []struct {
	EvalTime  model.Duration `yaml:"eval_time"`
	Alertname string         `yaml:"alertname"`
	ExpAlerts []struct {
		ExpLabels      map[string]string `yaml:"exp_labels"`
		ExpAnnotations map[string]string `yaml:"exp_annotations"`
	} `yaml:"exp_alerts"`
}) string {
	if interval == 0 {
		interval = model.Duration(time.Minute)
	}
	if evalInterval == 0 {
		evalInterval = model.Duration(time.Minute)
	}
	var load strings.Builder
	fmt.Fprintf(&load, "load %s\n", interval)
	for _, s := range series {
		fmt.Fprintf(&load, "  %s %s\n", s.Series, s.Values)
	}
	suite, err := promqltest.NewLazyLoader(load.String(), promqltest.LazyLoaderOpts{EnableAtModifier: true, EnableNegativeOffset: true, Parser: promParser})
	if err != nil {
		return "input series: " + err.Error()
	}
	defer suite.Close()
	suite.SubqueryInterval = time.Duration(evalInterval)
	opts := &rules.ManagerOptions{
		QueryFunc:    rules.EngineQueryFunc(suite.QueryEngine(), suite.Storage()),
		AppendableV2: suite.Storage(),
		Context:      ctx,
		NotifyFunc:   func(context.Context, string, ...*rules.Alert) {},
		Logger:       slog.New(slog.DiscardHandler),
		Parser:       promParser,
	}
	m := rules.NewManager(opts)
	groupsMap, errs := m.LoadGroups(time.Duration(evalInterval), labels.EmptyLabels(), "", nil, false, rulesFile)
	if len(errs) > 0 {
		return strings.ReplaceAll(errs[0].Error(), filepath.Dir(rulesFile)+string(os.PathSeparator), "")
	}
	var groups []*rules.Group
	for _, g := range groupsMap {
		groups = append(groups, g)
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].Name() < groups[j].Name() })
	for _, g := range groups {
		for _, r := range g.Rules() {
			if ar, ok := r.(*rules.AlertingRule); ok {
				ar.SetRestored(true)
			}
		}
	}
	var maxEval model.Duration
	for _, t := range tests {
		maxEval = max(maxEval, t.EvalTime)
	}
	mint := time.Unix(0, 0).UTC()
	step := time.Duration(evalInterval)
	msg := ""
	for ts := mint; !ts.After(mint.Add(time.Duration(maxEval))); ts = ts.Add(step) {
		suite.WithSamplesTill(ts, func(err error) {
			if err != nil && msg == "" {
				msg = err.Error()
				return
			}
			for _, g := range groups {
				g.Eval(ctx, ts)
			}
		})
		if msg != "" {
			return msg
		}
		for _, t := range tests {
			at := time.Duration(t.EvalTime)
			if !(ts.Sub(mint) <= at && at < ts.Add(step).Sub(mint)) {
				continue
			}
			var firing []labels.Labels
			for _, g := range groups {
				for _, r := range g.Rules() {
					if ar, ok := r.(*rules.AlertingRule); ok && ar.Name() == t.Alertname {
						for _, a := range ar.ActiveAlerts() {
							if a.State == rules.StateFiring {
								firing = append(firing, a.Labels)
							}
						}
					}
				}
			}
			if len(firing) != len(t.ExpAlerts) {
				if len(t.ExpAlerts) == 0 {
					return fmt.Sprintf("at %s %s fires (%d alerts) but should stay silent", t.EvalTime, t.Alertname, len(firing))
				}
				return fmt.Sprintf("at %s %s has %d firing alerts, want %d", t.EvalTime, t.Alertname, len(firing), len(t.ExpAlerts))
			}
			used := make([]bool, len(firing))
			for _, exp := range t.ExpAlerts {
				found := false
				for i, f := range firing {
					if used[i] {
						continue
					}
					ok := true
					for k, v := range exp.ExpLabels {
						ok = ok && f.Get(k) == v
					}
					if ok {
						used[i], found = true, true
						break
					}
				}
				if !found {
					return fmt.Sprintf("at %s no firing %s alert has the labels %v", t.EvalTime, t.Alertname, exp.ExpLabels)
				}
			}
		}
	}
	return ""
}

// validatePrometheusRules checks a prometheus-rules check's parameters.
func validatePrometheusRules(p *promRulesParams) error {
	if err := needPath("file", p.File); err != nil {
		return err
	}
	if p.MinFor != "" {
		if _, err := model.ParseDuration(p.MinFor); err != nil {
			return fmt.Errorf("min_for: %v", err)
		}
	}
	return nil
}

// checkPrometheusRules grades the prometheus-rules check: a Prometheus rules file loads (expressions parse) and defines the alerts and recording rules asked, with their labels and annotations.
func checkPrometheusRules(_ context.Context, ws *Workspace, p *promRulesParams) Outcome {
	b, err := ws.ReadFile(p.File)
	if err != nil {
		return fail("cannot read %s: %v", p.File, err)
	}
	groups, errs := rulefmt.Parse(b, false, model.UTF8Validation, promParser, slog.New(slog.DiscardHandler))
	if len(errs) > 0 {
		return fail("%s: %v", p.File, errs[0])
	}
	alerts, records := map[string]rulefmt.Rule{}, map[string]bool{}
	for _, g := range groups.Groups {
		for _, r := range g.Rules {
			if r.Alert != "" {
				alerts[r.Alert] = r
			} else {
				records[r.Record] = true
			}
		}
	}
	for _, a := range p.Alerts {
		if _, ok := alerts[a]; !ok {
			return fail("%s defines no alert %s", p.File, a)
		}
	}
	for _, r := range p.Recording {
		if !records[r] {
			return fail("%s defines no recording rule %s", p.File, r)
		}
	}
	var minFor model.Duration
	if p.MinFor != "" {
		minFor, _ = model.ParseDuration(p.MinFor)
	}
	names := make([]string, 0, len(alerts))
	for n := range alerts {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		r := alerts[n]
		for _, l := range p.Labels {
			if r.Labels[l] == "" {
				return fail("alert %s sets no %s label", n, l)
			}
		}
		for _, a := range p.Annotations {
			if r.Annotations[a] == "" {
				return fail("alert %s has no %s annotation", n, a)
			}
		}
		if r.For < minFor {
			return fail("alert %s fires after %s; wait at least %s (for:) so a blip does not page", n, r.For, minFor)
		}
	}
	return pass("%s: %d alerts, %d recording rules", p.File, len(alerts), len(records))
}

// validatePrometheusRuleTests checks a prometheus-rule-tests check's parameters.
func validatePrometheusRuleTests(p *promTestParams) error {
	if err := needPath("rules", p.Rules); err != nil {
		return err
	}
	if p.Tests == "" {
		return errors.New("tests (a file of the lab) is missing")
	}
	return nil
}

// checkPrometheusRuleTests grades the prometheus-rule-tests check: the workspace's rules pass the lab's rule unit tests on the PromQL engine (alerts fire, or stay silent, when the tests say).
func checkPrometheusRuleTests(ctx context.Context, ws *Workspace, p *promTestParams) Outcome {
	if ws.lab == nil {
		return fail("the lab's rule tests are not available")
	}
	raw, err := ws.lab.ReadFile(p.Tests)
	if err != nil {
		return fail("rule tests: %v", err)
	}
	var tf promTestFile
	if err := yaml.Unmarshal(raw, &tf); err != nil {
		return fail("rule tests %s: %v", p.Tests, err)
	}
	if _, err := ws.ReadFile(p.Rules); err != nil {
		return fail("cannot read %s: %v", p.Rules, err)
	}
	real, err := filepath.EvalSymlinks(ws.Path(p.Rules))
	if err != nil {
		return fail("%v", err)
	}
	n := 0
	for i, t := range tf.Tests {
		name := t.Name
		if name == "" {
			name = fmt.Sprintf("test %d", i+1)
		}
		if msg := runPromTest(ctx, real, tf.EvaluationInterval, t.Interval, t.InputSeries, t.AlertRuleTests); msg != "" {
			return fail("%s: %s", name, msg)
		}
		n++
	}
	return pass("%d rule tests pass", n)
}
