package pipelines

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The starter pipelines are mustache templates that the service fills in
// when a user picks one; renderStarter fills them with sample values.
var (
	mustacheIfLine  = regexp.MustCompile(`(?m)^[ \t]*\{\{[#/]if[^}]*\}\}[ \t]*\r?\n`)
	mustacheAlnum   = regexp.MustCompile(`\{\{#toAlphaNumericString [^ }]+ (\d+)\}\}\{\{/toAlphaNumericString\}\}`)
	mustacheGUID    = regexp.MustCompile(`\{\{#shortGuid\}\}\{\{/shortGuid\}\}`)
	mustachePool    = regexp.MustCompile(`\{\{ *pool *\}\}`)
	mustacheValue   = regexp.MustCompile(`\{\{ *([A-Za-z0-9_.]+) *\}\}`)
	kubernetesProbe = regexp.MustCompile(`(?m)^apiVersion\s*:`)
)

func renderStarter(src string) string {
	src = mustacheIfLine.ReplaceAllString(src, "")
	src = mustacheAlnum.ReplaceAllStringFunc(src, func(m string) string {
		n := mustacheAlnum.FindStringSubmatch(m)[1]
		name := "certlabsamplerepository"
		if l := len(n); l > 0 {
			var max int
			for _, c := range n {
				max = max*10 + int(c-'0')
			}
			if max < len(name) {
				name = name[:max]
			}
		}
		return name
	})
	src = mustacheGUID.ReplaceAllString(src, "a1b2")
	src = mustachePool.ReplaceAllString(src, "vmImage: ubuntu-latest")
	return mustacheValue.ReplaceAllStringFunc(src, func(m string) string {
		name := mustacheValue.FindStringSubmatch(m)[1]
		switch name {
		case "branch":
			return "main"
		case "servicePort":
			return "8080"
		}
		return "sample-" + strings.ToLower(strings.ReplaceAll(name, ".", "-"))
	})
}

// schemaJSON converts an expanded pipeline to JSON. The service's YAML has
// untyped scalars, so every scalar becomes a string; yamlScalarSchema lets
// the schema's boolean and number types accept their string forms.
func schemaJSON(n *Node) any {
	if n == nil {
		return ""
	}
	switch n.Kind {
	case SequenceNode:
		out := make([]any, len(n.Items))
		for i, it := range n.Items {
			out[i] = schemaJSON(it)
		}
		return out
	case MappingNode:
		out := make(map[string]any, len(n.Pairs))
		for _, p := range n.Pairs {
			out[p.Key.Value] = schemaJSON(p.Value)
		}
		return out
	case NullNode:
		return ""
	}
	return n.Value
}

// yamlScalarSchema rewrites a JSON schema so that, as in the YAML language
// server the schema is written for, a scalar typed boolean or number also
// matches its text ("true", "5"), and "ignoreCase" patterns and enums match
// case-insensitively.
func yamlScalarSchema(v any) any {
	switch t := v.(type) {
	case []any:
		for i := range t {
			t[i] = yamlScalarSchema(t[i])
		}
	case map[string]any:
		for k, sub := range t {
			if k != "enum" && k != "const" {
				t[k] = yamlScalarSchema(sub)
			}
		}
		if props, ok := t["properties"].(map[string]any); ok {
			for _, sub := range props {
				m, _ := sub.(map[string]any)
				aliases, _ := m["aliases"].([]any)
				for _, a := range aliases {
					if name, ok := a.(string); ok {
						if _, taken := props[name]; !taken {
							props[name] = m
						}
					}
				}
			}
		}
		ic, _ := t["ignoreCase"].(string)
		if ic == "value" || ic == "all" {
			if p, ok := t["pattern"].(string); ok {
				t["pattern"] = "(?i)" + p
			}
			if e, ok := t["enum"].([]any); ok {
				alts := make([]string, 0, len(e))
				for _, x := range e {
					if s, ok := x.(string); ok {
						alts = append(alts, regexp.QuoteMeta(s))
					}
				}
				delete(t, "enum")
				t["pattern"] = "(?i)^(" + strings.Join(alts, "|") + ")$"
			}
		}
		typ, ok := t["type"].(string)
		if !ok {
			break
		}
		switch typ {
		case "boolean":
			delete(t, "type")
			t["anyOf"] = appendAnyOf(t["anyOf"], map[string]any{"type": "boolean"}, map[string]any{"type": "string", "pattern": "^(?i:true|false|y|yes|n|no|on|off)$"})
		case "number", "integer":
			delete(t, "type")
			t["anyOf"] = appendAnyOf(t["anyOf"], map[string]any{"type": typ}, map[string]any{"type": "string", "pattern": `^-?[0-9]+(\.[0-9]+)?$`})
		}
	}
	return v
}

// relaxTaskInputs accepts any mapping as the inputs of a known task. Task
// inputs are checked by the task itself; the schema's copies of the task
// definitions lag the tasks (the starters use input names and values such as
// Docker@1 "command: build" that the schema's v1.261 definitions lack). The
// task name itself is still checked.
func relaxTaskInputs(doc any) {
	root, _ := doc.(map[string]any)
	defs, _ := root["definitions"].(map[string]any)
	task, _ := defs["task"].(map[string]any)
	alts, _ := task["anyOf"].([]any)
	for _, a := range alts {
		m, _ := a.(map[string]any)
		if props, ok := m["properties"].(map[string]any); ok {
			if _, ok := props["inputs"]; ok {
				props["inputs"] = map[string]any{"type": "object"}
			}
		}
		delete(m, "required")
		m["required"] = []any{"task"}
	}
}

func appendAnyOf(existing any, alts ...any) any {
	if existing != nil {
		return []any{map[string]any{"anyOf": existing}, map[string]any{"anyOf": alts}}
	}
	return alts
}

func compileServiceSchema(tb testing.TB) *jsonschema.Schema {
	tb.Helper()
	path := sharedFixtures(tb, "azure-pipelines/schema/service-schema.json")
	f, err := os.Open(path)
	if err != nil {
		tb.Fatalf("open schema: %v", err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		tb.Fatalf("read schema: %v", err)
	}
	relaxTaskInputs(doc)
	c := jsonschema.NewCompiler()
	if err := c.AddResource("service-schema.json", yamlScalarSchema(doc)); err != nil {
		tb.Fatalf("add schema: %v", err)
	}
	s, err := c.Compile("service-schema.json")
	if err != nil {
		tb.Fatalf("compile schema: %v", err)
	}
	return s
}

// validateAgainstSchema checks an expanded document against Microsoft's schema.
func validateAgainstSchema(tb testing.TB, s *jsonschema.Schema, doc *Document) error {
	tb.Helper()
	raw, err := json.Marshal(schemaJSON(doc.Root))
	if err != nil {
		tb.Fatalf("marshal: %v", err)
	}
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
	if err != nil {
		tb.Fatalf("unmarshal: %v", err)
	}
	return s.Validate(inst)
}

func starterFiles(tb testing.TB) []string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(sharedFixtures(tb, "azure-pipelines/starter-templates"), "*.yml"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no starter templates found: %v", err)
	}
	return files
}

// expandStarter renders and expands one starter template.
func expandStarter(tb testing.TB, file string) (*Document, error) {
	tb.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		tb.Fatalf("read %s: %v", file, err)
	}
	rendered := renderStarter(string(data))
	return Expand(file, Options{ReadFile: func(name string) ([]byte, error) {
		if name == file {
			return []byte(rendered), nil
		}
		return os.ReadFile(name)
	}})
}

// TestStarterTemplates expands every starter pipeline, validates it with the
// model and against Microsoft's schema. The two Kubernetes manifests that
// sit among them must be rejected as pipelines.
func TestStarterTemplates(t *testing.T) {
	schema := compileServiceSchema(t)
	pipelinesSeen := 0
	for _, file := range starterFiles(t) {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := expandStarter(t, file)
			if kubernetesProbe.Match(data) {
				if err == nil {
					_, err = Validate(doc)
				}
				if err == nil || !strings.Contains(err.Error(), "Unexpected value 'apiVersion'") {
					t.Fatalf("a Kubernetes manifest must be rejected as a pipeline, got %v", err)
				}
				return
			}
			pipelinesSeen++
			if err != nil {
				t.Fatalf("expand: %v", err)
			}
			if _, err := Validate(doc); err != nil {
				t.Fatalf("validate: %v", err)
			}
			if err := validateAgainstSchema(t, schema, doc); err != nil {
				out, _ := doc.YAML()
				t.Fatalf("schema: %#v\n%s", err, out)
			}
		})
	}
	if pipelinesSeen < 43 {
		t.Errorf("checked %d starter pipelines, want 43", pipelinesSeen)
	}
}

// TestConformanceOutputMatchesSchema checks that the expanded output of every
// conformance pipeline that expands and validates is accepted by Microsoft's
// schema too.
func TestConformanceOutputMatchesSchema(t *testing.T) {
	schema := compileServiceSchema(t)
	corpus := sharedFixtures(t, "azure-pipelines/conformance")
	checked := 0
	for _, c := range discoverCases(t, corpus) {
		meta := readMeta(t, c)
		if len(meta["expectedexception"]) > 0 || len(meta["autocompletion"]) > 0 || len(meta["validatesyntax"]) > 0 {
			continue
		}
		opts := Options{Repositories: map[string]string{}}
		for _, lr := range meta["localrepository"] {
			name, folder, _ := strings.Cut(lr, "=")
			opts.Repositories[name] = filepath.Join(corpus, filepath.FromSlash(folder))
		}
		doc, err := Expand(c, opts)
		if err != nil {
			continue // reported by TestConformance
		}
		if _, err := Validate(doc); err != nil {
			continue
		}
		checked++
		rel, _ := filepath.Rel(corpus, c)
		if err := validateAgainstSchema(t, schema, doc); err != nil {
			t.Errorf("%s: the expanded pipeline does not match the schema: %v", rel, err)
		}
	}
	if checked < 100 {
		t.Errorf("only %d conformance pipelines checked against the schema", checked)
	}
}
