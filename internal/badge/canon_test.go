package badge

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// cliqueDocument is a "poison" graph: n blank nodes all linked to each
// other, indistinguishable by content.
func cliqueDocument(n int) map[string]any {
	var nodes []any
	for i := range n {
		var links []any
		for j := range n {
			if j != i {
				links = append(links, map[string]any{"id": fmt.Sprintf("_:b%d", j)})
			}
		}
		nodes = append(nodes, map[string]any{"id": fmt.Sprintf("_:b%d", i), "https://example.org/linked": links})
	}
	return map[string]any{"@context": []any{ContextCredentialsV2}, "@graph": nodes}
}

func TestCanonicalizeRefusesPoisonGraphs(t *testing.T) {
	t.Parallel()
	l := mustFixtureLoader(t)
	tests := []struct {
		n       int
		refused bool
	}{
		{3, false},
		{maxLookAlikeBlankNodes, false},
		{maxLookAlikeBlankNodes + 1, true},
		{40, true}, // unbounded time without the guard
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("clique of %d", tc.n), func(t *testing.T) {
			t.Parallel()
			_, err := l.Canonicalize(cliqueDocument(tc.n))
			if got := errors.Is(err, ErrTooComplex); got != tc.refused {
				t.Fatalf("refused = %v (err %v), want %v", got, err, tc.refused)
			}
			if !tc.refused && err != nil {
				t.Fatalf("canonicalize: %v", err)
			}
		})
	}
}

func TestCanonicalizeControlCharacters(t *testing.T) {
	t.Parallel()
	l := mustFixtureLoader(t)
	doc := func(narrative string) map[string]any {
		return map[string]any{
			"@context": []any{ContextCredentialsV2, ContextOpenBadgesV3},
			"id":       "https://c.example/a/1",
			"type":     "Achievement",
			"criteria": map[string]any{"narrative": narrative},
		}
	}
	tests := []struct {
		name, narrative string
		wantErr         bool
		wantNQuad       string
	}{
		{"plain", "Pass the exam.", false, `"Pass the exam."`},
		{"tab newline return quote backslash", "a\tb\nc\rd\"e\\f", false, `"a\tb\nc\rd\"e\\f"`},
		{"backspace", "a\bb", true, ""},
		{"form feed", "a\fb", true, ""},
		{"nul", "a\x00b", true, ""},
		{"delete", "a\x7fb", true, ""},
		{"unicode", "Prüfung bestanden ✓", false, `"Prüfung bestanden ✓"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			nq, err := l.Canonicalize(doc(tc.narrative))
			if tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), "control character") {
					t.Fatalf("err = %v, want a control character error", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("canonicalize: %v", err)
			}
			if !strings.Contains(nq, tc.wantNQuad) {
				t.Errorf("canonical form lacks %s:\n%s", tc.wantNQuad, nq)
			}
		})
	}

	// Issuing refuses such text with an error naming it.
	v := mustVector(t)
	key := SigningKey{VerificationMethod: "https://c.example/issuer#" + v.PublicKeyMultibase, PrivateKey: mustHex(t, v.PrivateKeyHex)}
	b := OpenBadge{
		ID: "https://c.example/credentials/1", Issuer: IssuerProfile{ID: "https://c.example/issuer", Name: "C"},
		Achievement: Achievement{ID: "https://c.example/a/1", Name: "A", Criteria: "Do\bit."},
		Recipient:   Recipient{ID: "did:example:x"}, ValidFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	if _, err := l.Issue(b, key, b.ValidFrom); err == nil || !strings.Contains(err.Error(), "U+0008") {
		t.Errorf("issue with a backspace in the criteria: err = %v, want one naming U+0008", err)
	}
}
