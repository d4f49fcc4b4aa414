package pack_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/certlab/certlab/internal/pack"
)

// lintOf loads the demo pack with extra files and returns its diagnostics
// as text.
func lintOf(t *testing.T, files map[string]string) string {
	t.Helper()
	fsys := demoPack(nil)
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	_, diags := pack.Load(fsys, "demo")
	var all []string
	for _, d := range diags {
		all = append(all, d.String())
	}
	return strings.Join(all, "\n")
}

// pooled is goodItem with a pool and a verification date, options with
// their rationales, and the key no longer than the distractors.
var pooled = strings.NewReplacer(
	"difficulty: 2", "difficulty: 2\npool: practice\nverified: 2026-11-30",
	`{id: a, text: "First"}`, `{id: a, text: "Alpha entry", why: "Not the second."}`,
	`{id: b, text: "Second"}`, `{id: b, text: "Bravo entry", why: "It is the second."}`,
	`{id: c, text: "Third"}`, `{id: c, text: "Delta entry", why: "Not the second."}`,
).Replace(goodItem)

func TestPoolsAndFreshness(t *testing.T) {
	tests := []struct {
		name    string
		replace [2]string
		want    string // "" means: no diagnostic at all
	}{
		{"clean", [2]string{"", ""}, ""},
		{"pool missing", [2]string{"pool: practice\n", ""}, `a-one-001.md:2: pool is missing: exam`},
		{"pool unknown", [2]string{"pool: practice", "pool: secret"}, `:8: pool "secret" must be exam or practice`},
		{"verified missing", [2]string{"verified: 2026-11-30\n", ""}, `warning: verified is missing`},
		{"verified not a date", [2]string{"verified: 2026-11-30", "verified: last week"}, `:9: verified "last week" is not a date`},
		{"rationale missing", [2]string{`, why: "Not the second."}`, `}`}, `warning: option a has no rationale`},
		{"key too long", [2]string{`text: "Bravo entry"`, `text: "Bravo entry with a great deal of extra detail"`}, `warning: keyed option b is 45 characters, more than 20% longer than every distractor`},
		{"stem echo", [2]string{`text: "Bravo entry"`, `text: "Second entry"`}, `warning: the key repeats the stem's words "second" and no distractor does [stem-echo]`},
		{"field of another kind", [2]string{"answer: b", "answer: b\ntargets: []"}, `single items do not take targets (their own keys: options, answer)`},
		{"unknown key inside an option", [2]string{`why: "It is the second."`, `wy: "It is the second."`}, `options: unknown key "wy"`},
		{"silence without reason", [2]string{"pool: practice", "pool: practice\nsilence: {stem-echo: \"\"}"}, `silence stem-echo: give the reason`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(pooled, tc.replace[0], tc.replace[1], 1)
			got := lintOf(t, map[string]string{"items/a/a-one-001.md": src})
			if tc.want == "" {
				if got != "" {
					t.Fatalf("want no diagnostics, got:\n%s", got)
				}
				return
			}
			if !strings.Contains(got, tc.want) {
				t.Errorf("diagnostics:\n%s\nwant one containing %q", got, tc.want)
			}
		})
	}
}

func TestSilenceWithReason(t *testing.T) {
	src := strings.NewReplacer(`text: "Bravo entry"`, `text: "Second entry"`,
		"pool: practice", "pool: practice\nsilence:\n  stem-echo: the stem names the term the candidate must recognise").Replace(pooled)
	if got := lintOf(t, map[string]string{"items/a/a-one-001.md": src}); got != "" {
		t.Fatalf("a silenced warning is still reported:\n%s", got)
	}
}

func TestRetiredTerms(t *testing.T) {
	retired := `- term: Dependency agent
  since: 2025-06-30
  replacement: Azure Monitor Agent with VM insights (the Map feature is retiring)
- term: deny-licenses
  match: '\bdeny-licenses\b'
  since: 2024-10-01
  replacement: allow-licenses
- term: Future feature
  since: 2999-01-01
  replacement: nothing yet
`
	uses := strings.Replace(pooled, "Which option is the second one of the list given here?",
		"Which option is the second one? The team installed the Dependency agent and set deny-licenses. Future feature too.", 1)
	got := lintOf(t, map[string]string{"retired.yaml": retired, "items/a/a-one-001.md": uses})
	for _, want := range []string{`uses "Dependency agent", retired or renamed on 2025-06-30`, `uses "deny-licenses"`} {
		if !strings.Contains(got, want) {
			t.Errorf("diagnostics:\n%s\nwant %q", got, want)
		}
	}
	if strings.Contains(got, "Future feature") {
		t.Errorf("a term retired in the future is reported:\n%s", got)
	}
	silenced := strings.Replace(uses, "pool: practice", "pool: practice\nsilence: {retired-term: the item teaches that the agent is retiring}", 1)
	if got := lintOf(t, map[string]string{"retired.yaml": retired, "items/a/a-one-001.md": silenced}); strings.Contains(got, "retired") {
		t.Errorf("silenced retired term reported:\n%s", got)
	}
	bad := lintOf(t, map[string]string{"retired.yaml": "- term: x\n  since: soon\n  replacement: y\n"})
	if !strings.Contains(bad, `demo/retired.yaml:2: retired term "x": since "soon" is not a date`) {
		t.Errorf("bad date not reported:\n%s", bad)
	}
}

func TestCasePools(t *testing.T) {
	caseFile := `---
id: contoso
title: Contoso
pool: exam
---
## Overview
A company.
`
	inCase := strings.NewReplacer("difficulty: 2", "difficulty: 2\ncase: contoso", "pool: practice\n", "").Replace(pooled)
	if got := lintOf(t, map[string]string{"cases/contoso.md": caseFile, "items/a/a-one-001.md": inCase}); strings.Contains(got, "pool") {
		t.Errorf("an item of a case takes the case's pool:\n%s", got)
	}
	mismatch := strings.Replace(pooled, "difficulty: 2", "difficulty: 2\ncase: contoso", 1)
	if got := lintOf(t, map[string]string{"cases/contoso.md": caseFile, "items/a/a-one-001.md": mismatch}); !strings.Contains(got, "item is in the practice pool but its case study contoso is in the exam pool") {
		t.Errorf("pool mismatch not reported:\n%s", got)
	}
	if got := lintOf(t, map[string]string{"cases/contoso.md": strings.Replace(caseFile, "pool: exam\n", "", 1)}); !strings.Contains(got, "pool is missing") {
		t.Errorf("case without pool not reported:\n%s", got)
	}
}
