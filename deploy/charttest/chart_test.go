// Package charttest checks certlab's deployment files with the tools of
// their field, outside the main module so that Helm's and BuildKit's
// dependencies stay out of certlab's binary: the Helm chart is linted and
// rendered with the Helm Go module (helm lint and helm template) and the
// rendered manifests are checked; the Dockerfile is parsed with BuildKit's
// parser (the one docker build uses) and checked. scripts/test runs it.
package charttest

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	common "helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/common/util"
	"helm.sh/helm/v4/pkg/chart/v2/lint"
	"helm.sh/helm/v4/pkg/chart/v2/lint/support"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	"helm.sh/helm/v4/pkg/engine"
)

const chartDir = "../helm/certlab"

// values a test installation gives.
func installValues() map[string]any {
	return map[string]any{
		"database":  map[string]any{"url": "postgres://certlab:pw@db.example:5432/certlab?sslmode=require"},
		"keySecret": "a-key-secret-of-more-than-16-bytes",
	}
}

func TestHelmLint(t *testing.T) {
	res := lint.RunAll(chartDir, installValues(), "certlab")
	for _, m := range res.Messages {
		t.Logf("lint: %s", m)
		if m.Severity >= support.WarningSev {
			t.Errorf("helm lint: %s", m)
		}
	}
	if res.HighestSeverity >= support.WarningSev {
		t.Fatalf("helm lint found problems")
	}
}

// render is helm template: the chart's manifests for the values, by kind.
func render(t *testing.T, vals map[string]any) (map[string]map[string]any, error) {
	t.Helper()
	ch, err := loader.Load(chartDir)
	if err != nil {
		t.Fatal(err)
	}
	rv, err := util.ToRenderValues(ch, vals, common.ReleaseOptions{Name: "exams", Namespace: "certlab", Revision: 3, IsInstall: true}, common.DefaultCapabilities)
	if err != nil {
		return nil, err
	}
	out, err := engine.Render(ch, rv)
	if err != nil {
		return nil, err
	}
	docs := map[string]map[string]any{}
	for name, text := range out {
		if !strings.HasSuffix(name, ".yaml") || strings.TrimSpace(text) == "" {
			continue
		}
		var doc map[string]any
		if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
			t.Fatalf("%s is not YAML: %v\n%s", name, err, text)
		}
		if doc == nil {
			continue
		}
		kind, _ := doc["kind"].(string)
		if _, dup := docs[kind]; dup {
			t.Fatalf("two %s manifests", kind)
		}
		docs[kind] = doc
	}
	return docs, nil
}

// get walks a manifest: keys of maps, indexes of lists ("0").
func get(t *testing.T, v any, path ...string) any {
	t.Helper()
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i := 0
			for _, c := range p {
				i = i*10 + int(c-'0')
			}
			if i >= len(x) {
				t.Fatalf("index %s out of range at %v", p, path)
			}
			v = x[i]
		default:
			t.Fatalf("cannot walk %v at %q", path, p)
		}
	}
	return v
}

func env(t *testing.T, container any) map[string]any {
	t.Helper()
	out := map[string]any{}
	for _, e := range get(t, container, "env").([]any) {
		m := e.(map[string]any)
		if v, ok := m["value"]; ok {
			out[m["name"].(string)] = v
		} else {
			out[m["name"].(string)] = m["valueFrom"]
		}
	}
	return out
}

func TestRenderedManifests(t *testing.T) {
	docs, err := render(t, installValues())
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"Deployment", "Service", "Ingress", "Secret", "HorizontalPodAutoscaler", "PodDisruptionBudget", "Job"} {
		if docs[kind] == nil {
			t.Fatalf("no %s rendered (have %v)", kind, keys(docs))
		}
	}
	dep := docs["Deployment"]
	c := get(t, dep, "spec", "template", "spec", "containers", "0")
	if p := get(t, c, "readinessProbe", "httpGet", "path"); p != "/readyz" {
		t.Errorf("readiness probe %v", p)
	}
	if p := get(t, c, "livenessProbe", "httpGet", "path"); p != "/healthz" {
		t.Errorf("liveness probe %v", p)
	}
	sc := get(t, c, "securityContext").(map[string]any)
	if sc["runAsNonRoot"] != true || sc["readOnlyRootFilesystem"] != true || sc["allowPrivilegeEscalation"] != false {
		t.Errorf("container security context %v", sc)
	}
	e := env(t, c)
	if e["CERTLAB_MIGRATE"] != "false" || e["CERTLAB_SECURE_COOKIES"] != "true" || e["CERTLAB_METRICS_ADDR"] != "0.0.0.0:9090" || e["CERTLAB_DB_MAX_CONNS"] != "20" {
		t.Errorf("environment %v", e)
	}
	for _, secret := range []string{"CERTLAB_DB", "CERTLAB_KEY_SECRET"} {
		ref := get(t, e[secret], "secretKeyRef").(map[string]any)
		if ref["name"] != "exams-certlab" {
			t.Errorf("%s comes from %v, not the chart's Secret", secret, ref)
		}
	}
	if g := get(t, dep, "spec", "template", "spec", "terminationGracePeriodSeconds"); g != 45 {
		t.Errorf("termination grace %v, want the shutdown timeout (30 s) and some", g)
	}
	if _, ok := dep["spec"].(map[string]any)["replicas"]; ok {
		t.Error("replicas set while the autoscaler owns them")
	}
	sec := docs["Secret"]
	sd := get(t, sec, "stringData").(map[string]any)
	if !strings.HasPrefix(sd["database-url"].(string), "postgres://") || len(sd["key-secret"].(string)) < 16 {
		t.Errorf("secret %v", sd)
	}
	if p := get(t, docs["Service"], "spec", "ports", "0", "targetPort"); p != "http" {
		t.Errorf("service target %v", p)
	}
	ing := docs["Ingress"]
	if h := get(t, ing, "spec", "rules", "0", "host"); h != "certlab.example.org" {
		t.Errorf("ingress host %v", h)
	}
	if n := get(t, ing, "spec", "rules", "0", "http", "paths", "0", "backend", "service", "name"); n != "exams-certlab" {
		t.Errorf("ingress backend %v", n)
	}
	hpa := docs["HorizontalPodAutoscaler"]
	if get(t, hpa, "spec", "minReplicas") != 2 || get(t, hpa, "spec", "maxReplicas") != 10 || get(t, hpa, "spec", "scaleTargetRef", "name") != "exams-certlab" {
		t.Errorf("autoscaler %v", hpa["spec"])
	}
	if get(t, docs["PodDisruptionBudget"], "spec", "minAvailable") != 1 {
		t.Errorf("disruption budget %v", docs["PodDisruptionBudget"]["spec"])
	}
	job := docs["Job"]
	if a := get(t, job, "metadata", "annotations", "helm.sh/hook"); a != "pre-install,pre-upgrade" {
		t.Errorf("migration job hook %v", a)
	}
	if args := get(t, job, "spec", "template", "spec", "containers", "0", "args", "0"); args != "migrate" {
		t.Errorf("migration job runs %v", args)
	}
}

func TestRenderChoices(t *testing.T) {
	t.Run("existing secret", func(t *testing.T) {
		docs, err := render(t, map[string]any{"existingSecret": "certlab-prod"})
		if err != nil {
			t.Fatal(err)
		}
		if docs["Secret"] != nil {
			t.Error("a Secret is rendered although one exists")
		}
		e := env(t, get(t, docs["Deployment"], "spec", "template", "spec", "containers", "0"))
		if get(t, e["CERTLAB_DB"], "secretKeyRef", "name") != "certlab-prod" {
			t.Errorf("database URL from %v", e["CERTLAB_DB"])
		}
	})
	t.Run("no database", func(t *testing.T) {
		if _, err := render(t, map[string]any{"keySecret": "a-key-secret-of-more-than-16-bytes"}); err == nil || !strings.Contains(err.Error(), "database.url is required") {
			t.Fatalf("render without a database: %v", err)
		}
	})
	t.Run("short key secret", func(t *testing.T) {
		v := installValues()
		v["keySecret"] = "short"
		if _, err := render(t, v); err == nil || !strings.Contains(err.Error(), "keySecret is required") {
			t.Fatalf("render with a short key secret: %v", err)
		}
	})
	t.Run("fixed replicas, no ingress, migrations in the pods", func(t *testing.T) {
		v := installValues()
		v["autoscaling"] = map[string]any{"enabled": false}
		v["replicaCount"] = 3
		v["ingress"] = map[string]any{"enabled": false}
		v["migrations"] = map[string]any{"enabled": false}
		docs, err := render(t, v)
		if err != nil {
			t.Fatal(err)
		}
		if docs["HorizontalPodAutoscaler"] != nil || docs["Ingress"] != nil || docs["Job"] != nil {
			t.Errorf("rendered %v", keys(docs))
		}
		if get(t, docs["Deployment"], "spec", "replicas") != 3 {
			t.Error("replicas not set")
		}
		if e := env(t, get(t, docs["Deployment"], "spec", "template", "spec", "containers", "0")); e["CERTLAB_MIGRATE"] != "true" {
			t.Errorf("without the migration job the pods must migrate: %v", e["CERTLAB_MIGRATE"])
		}
	})
}

func keys(m map[string]map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}
