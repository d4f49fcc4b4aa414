package pack_test

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/pack"
)

const programYAML = `id: demo
name: Demo credential
issuer: certlab
level: associate
requirements:
  all:
    - exam: demo-1
validity: 365d
`

const examYAML = `id: demo-1
title: Demo exam
outlines:
  - version: "v2"
    current: true
    domains:
      - id: a
        name: Area A
        weight: [40, 60]
        objectives:
          - {id: a.one, name: One}
          - {id: a.two, name: Two}
      - id: b
        name: Area B
        weight: [40, 60]
        objectives:
          - {id: b.one, name: Three}
  - version: "v1"
    domains:
      - id: old
        name: Old
        weight: [100, 100]
        objectives:
          - {id: old.all, name: Everything}
policy:
  items: 4
  time_limit: 30m
  passing_score: 700
`

// goodItem is a valid single-choice item; tests break it one way at a time.
const goodItem = `---
id: a-one-001
type: single
objectives:
  "v2": [a.one]
  "v1": [old.all]
difficulty: 2
options:
  - {id: a, text: "First"}
  - {id: b, text: "Second"}
  - {id: c, text: "Third"}
answer: b
references:
  - https://learn.microsoft.com/azure/devops/
---
Which option is the second one of the list given here?

## Explanation
Because it is.
`

func demoPack(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{
		"program.yaml":      {Data: []byte(programYAML)},
		"exams/demo-1.yaml": {Data: []byte(examYAML)},
	}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(withPool(name, data))}
	}
	return fsys
}

// withPool puts an item that names no pool in the exam pool, at the end of
// its front matter so that line numbers above stay as written.
func withPool(name, data string) string {
	if !strings.HasPrefix(name, "items/") || strings.Contains(data, "\npool:") || !strings.HasPrefix(data, "---\n") {
		return data
	}
	end := strings.Index(data[4:], "\n---")
	if end < 0 {
		return data
	}
	end += 4 + 1
	return data[:end] + "pool: exam\nverified: 2026-12-01\n" + data[end:]
}

func TestLoadValidPack(t *testing.T) {
	cat, diags := pack.Load(demoPack(map[string]string{"items/a/a-one-001.md": goodItem}), "demo")
	if diags.Errors() != 0 {
		t.Fatalf("unexpected diagnostics: %v", diags)
	}
	ex, err := cat.Exam("demo-1")
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Items) != 1 {
		t.Fatalf("got %d items, want 1", len(ex.Items))
	}
	it := ex.Items[0]
	if it.Key != "b" || it.Stem != "Which option is the second one of the list given here?" || it.Explanation != "Because it is." {
		t.Errorf("item parsed wrongly: key %q stem %q explanation %q", it.Key, it.Stem, it.Explanation)
	}
	if ex.Policy.CutPercent != 70 || ex.Policy.Scaling != "raw" {
		t.Errorf("policy defaults not applied: %+v", ex.Policy)
	}
	if !cat.Programs[0].Requirements.Satisfied(map[string]bool{"demo-1": true}, nil) {
		t.Error("requirement not satisfied by passing the exam")
	}
}

func TestLintErrors(t *testing.T) {
	tests := []struct {
		name    string
		replace [2]string // applied to goodItem
		want    string    // file:line: message fragment
	}{
		{"unknown key", [2]string{"difficulty: 2", "difficulty: 2\ncolour: red"}, `items/a/a-one-001.md:8: single items do not take colour`},
		{"answer not an option", [2]string{"answer: b", "answer: e"}, `items/a/a-one-001.md:12: answer "e" is not one of the options`},
		{"missing answer", [2]string{"answer: b\n", ""}, `answer is missing`},
		{"objective not in blueprint", [2]string{"[a.one]", "[a.nine]"}, `items/a/a-one-001.md:5: objective "a.nine" is not in outline "v2"`},
		{"outline missing", [2]string{`  "v1": [old.all]` + "\n", ""}, `no objective for outline "v1"`},
		{"difficulty out of range", [2]string{"difficulty: 2", "difficulty: 9"}, `:7: difficulty must be 1 to 5`},
		{"no explanation", [2]string{"## Explanation\nBecause it is.\n", ""}, `explanation is missing`},
		{"bad reference", [2]string{"https://learn.microsoft.com/azure/devops/", "ftp://example.org/x"}, `:14: reference "ftp://example.org/x" is not an https URL`},
		{"unknown type", [2]string{"type: single", "type: essay"}, `:3: type "essay" must be one of`},
		{"unknown section", [2]string{"## Explanation", "## Notes\nx\n\n## Explanation"}, `:20: unknown section "Notes"`},
		{"bad yaml", [2]string{"options:", "options: [\n"}, `items/a/a-one-001.md:`},
		{"no front matter", [2]string{"---\nid:", "id:"}, `:1: file must start with YAML front matter`},
		{"repeated option id", [2]string{`{id: c, text: "Third"}`, `{id: a, text: "Third"}`}, `options: id "a" is missing or repeated`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(goodItem, tc.replace[0], tc.replace[1], 1)
			if src == goodItem {
				t.Fatalf("replacement %q did not apply", tc.replace[0])
			}
			cat, diags := pack.Load(demoPack(map[string]string{"items/a/a-one-001.md": src}), "demo")
			if diags.Errors() == 0 {
				t.Fatalf("no error reported; want %q", tc.want)
			}
			var all []string
			for _, d := range diags {
				all = append(all, d.String())
			}
			joined := strings.Join(all, "\n")
			if !strings.Contains(joined, tc.want) {
				t.Errorf("diagnostics:\n%s\nwant one containing %q", joined, tc.want)
			}
			if ex, _ := cat.Exam("demo-1"); ex != nil && len(ex.Items) != 0 {
				t.Errorf("a broken item was loaded")
			}
		})
	}
}

func TestBrokenItemLosesNothingElse(t *testing.T) {
	second := strings.NewReplacer("a-one-001", "a-two-001", "[a.one]", "[a.two]", "second one of the list", "item about a different subject entirely").Replace(goodItem)
	broken := strings.Replace(goodItem, "answer: b", "answer: z", 1)
	broken = strings.Replace(broken, "a-one-001", "a-one-002", 1)
	cat, diags := pack.Load(demoPack(map[string]string{
		"items/a/a-one-002.md": broken,
		"items/a/a-two-001.md": second,
	}), "demo")
	if diags.Errors() != 1 {
		t.Fatalf("want exactly 1 error, got %v", diags)
	}
	ex, _ := cat.Exam("demo-1")
	if len(ex.Items) != 1 || ex.Items[0].ID != "a-two-001" {
		t.Fatalf("the valid item was not kept: %+v", ex.Items)
	}
}

func TestWeightsCannotSumTo100(t *testing.T) {
	bad := strings.Replace(examYAML, "weight: [40, 60]\n        objectives:\n          - {id: b.one", "weight: [70, 80]\n        objectives:\n          - {id: b.one", 1)
	fsys := demoPack(nil)
	fsys["exams/demo-1.yaml"] = &fstest.MapFile{Data: []byte(bad)}
	_, diags := pack.Load(fsys, "demo")
	found := false
	for _, d := range diags {
		if strings.Contains(d.String(), "demo/exams/demo-1.yaml:7: outline v2: domain weight ranges cannot sum to 100% (minimums add to 110%") {
			found = true
		}
	}
	if !found {
		t.Fatalf("diagnostics %v lack the weight error", diags)
	}
}

func TestDuplicateIDs(t *testing.T) {
	_, diags := pack.Load(demoPack(map[string]string{
		"items/a/a-one-001.md":  goodItem,
		"items/b/copy-of-it.md": goodItem,
	}), "demo")
	var msgs []string
	for _, d := range diags {
		msgs = append(msgs, d.String())
	}
	if !strings.Contains(strings.Join(msgs, "\n"), `item id "a-one-001" is already used by demo/items/a/a-one-001.md`) {
		t.Fatalf("duplicate id not reported: %v", msgs)
	}
}

func TestNearDuplicates(t *testing.T) {
	near := strings.NewReplacer("a-one-001", "a-one-002", "\"Third\"", "\"Third one\"").Replace(goodItem)
	different := strings.NewReplacer("a-one-001", "a-one-003",
		"Which option is the second one of the list given here?", "A pipeline fails at night when the hosted agent pool is busy. What do you check first?").Replace(goodItem)
	_, diags := pack.Load(demoPack(map[string]string{
		"items/a/a-one-001.md": goodItem,
		"items/a/a-one-002.md": near,
		"items/a/a-one-003.md": different,
	}), "demo")
	var dups []string
	for _, d := range diags {
		if strings.Contains(d.Message, "near-duplicate") {
			dups = append(dups, d.String())
		}
	}
	if len(dups) != 1 || !strings.Contains(dups[0], "a-one-002 is a near-duplicate of a-one-001") {
		t.Fatalf("want one near-duplicate (002 of 001), got %v", dups)
	}
}

func TestItemTypes(t *testing.T) {
	items := map[string]string{
		"items/a/m.md": `---
id: m
type: multiple
objectives: {"v2": [a.one], "v1": [old.all]}
difficulty: 3
options: [{id: a, text: A}, {id: b, text: B}, {id: c, text: C}, {id: d, text: D}]
answer: [a, c]
choose: 2
references: [https://docs.github.com/actions]
---
Choose two letters that are vowels or the third letter.

## Explanation
A and C.
`,
		"items/a/o.md": `---
id: o
type: ordering
objectives: {"v2": [a.two], "v1": [old.all]}
difficulty: 3
options: [{id: x, text: Build}, {id: y, text: Test}, {id: z, text: Deploy}, {id: w, text: Pray}]
answer: [x, y, z]
references: [https://docs.github.com/actions]
---
Put the stages of a release in order.

## Explanation
Build, test, deploy.
`,
		"items/b/d.md": `---
id: d
type: matching
objectives: {"v2": [b.one], "v1": [old.all]}
difficulty: 3
options: [{id: p, text: Pipelines}, {id: r, text: Repos}, {id: k, text: Boards}]
targets: [{id: t1, text: Run CI}, {id: t2, text: Track work}]
answer: {t1: p, t2: k}
references: [https://learn.microsoft.com/azure/devops/]
---
Match each need with the service.

## Explanation
Pipelines run CI; Boards track work.
`,
		"items/b/h.md": `---
id: h
type: hotarea
objectives: {"v2": [b.one], "v1": [old.all]}
difficulty: 3
areas: [{id: l1, text: "line 1", line: 1}, {id: l2, text: "line 2", line: 2}, {id: l3, text: "line 3", line: 3}]
answer: [l2]
references: [https://learn.microsoft.com/azure/devops/]
---
Select the line that pins the agent image.

## Exhibit
    trigger: none
    pool: {vmImage: ubuntu-24.04}
    steps: []

## Explanation
Line 2.
`,
		"items/b/s.md": `---
id: s
type: activescreen
objectives: {"v2": [b.one], "v1": [old.all]}
difficulty: 3
blanks:
  - {id: k1, options: [trigger, pr]}
answer: {k1: pr}
references: [https://learn.microsoft.com/azure/devops/]
---
Complete the YAML to validate pull requests.

## Exhibit
    [[k1]]:
      branches: {include: [main]}

## Explanation
pr.
`,
		"items/b/y.md": `---
id: y
type: yesno-series
objectives: {"v2": [b.one], "v1": [old.all]}
difficulty: 3
statements:
  - {id: s1, text: "Solution: use a secret variable.", answer: yes, explanation: Masked.}
  - {id: s2, text: "Solution: echo the password.", answer: no, explanation: Leaks it.}
references: [https://learn.microsoft.com/azure/devops/]
---
You must keep a password out of the logs. Does the solution meet the goal?

## Explanation
Series.
`,
	}
	cat, diags := pack.Load(demoPack(items), "demo")
	if diags.Errors() != 0 {
		t.Fatalf("diagnostics: %v", diags)
	}
	ex, _ := cat.Exam("demo-1")
	got := map[string]*certlab.Item{}
	for _, it := range ex.Items {
		got[it.ID] = it
	}
	if len(got) != 6 {
		t.Fatalf("got %d items, want 6", len(got))
	}
	if k := got["m"].Keys; len(k) != 2 || got["m"].Choose != 2 {
		t.Errorf("multiple: keys %v choose %d", k, got["m"].Choose)
	}
	if got["d"].KeyMap["t2"] != "k" || got["s"].KeyMap["k1"] != "pr" {
		t.Errorf("maps: %v %v", got["d"].KeyMap, got["s"].KeyMap)
	}
	if st := got["y"].Statements; len(st) != 2 || !st[0].Answer || st[1].Answer {
		t.Errorf("statements: %+v", st)
	}
	if !strings.Contains(got["h"].Exhibit, "ubuntu-24.04") {
		t.Errorf("exhibit: %q", got["h"].Exhibit)
	}
}

func TestHotAreaLineOutsideExhibit(t *testing.T) {
	item := `---
id: h
type: hotarea
objectives: {"v2": [b.one], "v1": [old.all]}
difficulty: 3
areas: [{id: l1, text: "trigger", line: 1}, {id: l2, text: "pool", line: 7}]
answer: [l2]
references: [https://learn.microsoft.com/azure/devops/]
---
Select the line that pins the agent image.

## Exhibit
` + "```yaml\ntrigger: none\npool: {vmImage: ubuntu-24.04}\n```" + `

## Explanation
Line 2.
`
	_, diags := pack.Load(demoPack(map[string]string{"items/b/h.md": item}), "demo")
	found := false
	for _, d := range diags {
		found = found || strings.Contains(d.String(), "demo/items/b/h.md:6: area l2 points at line 7, but the exhibit listing has 2 lines")
	}
	if !found {
		t.Fatalf("diagnostics %v lack the line check", diags)
	}
}

func TestBankShareWarning(t *testing.T) {
	files := map[string]string{}
	for i := 0; i < 20; i++ { // every item in domain a: b gets 0 %
		id := fmt.Sprintf("a-one-%03d", i)
		files["items/a/"+id+".md"] = strings.NewReplacer("a-one-001", id, "second one of the list", fmt.Sprintf("entry %d of a list about topic %d", i, i*7)).Replace(goodItem)
	}
	_, diags := pack.Load(demoPack(files), "demo")
	var warns []string
	for _, d := range diags {
		if d.Warning {
			warns = append(warns, d.String())
		}
	}
	if diags.Errors() != 0 || !strings.Contains(strings.Join(warns, "\n"), "demo/exams/demo-1.yaml: warning: domain b has 0.0% of the bank's items, outside its weight 40-60%") {
		t.Fatalf("errors %d, warnings %v", diags.Errors(), warns)
	}
}
