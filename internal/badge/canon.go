package badge

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/piprate/json-gold/ld"
)

// Canonicalize returns the canonical N-Quads of a JSON-LD document, as
// RDF Dataset Canonicalization (RDFC-1.0) defines them. The document's
// contexts are served by l, never fetched. A property that the contexts do
// not define is an error rather than being silently dropped, so no part of a
// signed credential can escape the signature.
//
// json-gold implements the algorithm under its earlier name URDNA2015;
// RDFC-1.0 is the same algorithm with the same output for the N-Quads that
// JSON-LD produces.
func (l *ContextLoader) Canonicalize(doc map[string]any) (string, error) {
	opts := ld.NewJsonLdOptions("")
	opts.DocumentLoader = l
	opts.ProcessingMode = ld.JsonLd_1_1
	opts.SafeMode = true
	opts.Format = "" // ToRDF must return the dataset itself

	proc := ld.NewJsonLdProcessor()
	// json-gold mutates nothing it is given, but expansion keeps references;
	// work on a copy so the caller's document stays theirs.
	ds, err := proc.ToRDF(deepCopyJSON(doc), opts)
	if err != nil {
		return "", fmt.Errorf("JSON-LD to RDF: %w", err)
	}
	dataset, ok := ds.(*ld.RDFDataset)
	if !ok {
		return "", fmt.Errorf("JSON-LD to RDF: unexpected result %T", ds)
	}
	if err := checkCanonicalizable(dataset); err != nil {
		return "", err
	}
	normOpts := opts.Copy()
	normOpts.Algorithm = ld.AlgorithmURDNA2015
	normOpts.Format = "application/n-quads"
	out, err := ld.NewJsonLdApi().Normalize(dataset, normOpts)
	if err != nil {
		return "", fmt.Errorf("canonicalize RDF dataset: %w", err)
	}
	nq, ok := out.(string)
	if !ok {
		return "", fmt.Errorf("canonicalize RDF dataset: unexpected result %T", out)
	}
	return nq, nil
}

// ErrTooComplex is returned for documents whose canonicalization could
// take unbounded time (a "poison" graph of many look-alike blank nodes).
var ErrTooComplex = errors.New("document too complex to canonicalize safely")

// Limits that keep canonicalization of untrusted input bounded.
// RDFC-1.0 itself asks implementations to bound the work of the N-degree
// hashing step; json-gold has no such bound, so certlab refuses inputs
// that would reach it with more than a handful of blank nodes. Open Badges
// credentials have a few blank nodes, each with distinct content.
const (
	maxQuads               = 5000
	maxLookAlikeBlankNodes = 6
)

// checkCanonicalizable rejects datasets that canonicalization would
// process slowly or differently from RDFC-1.0:
//   - literals holding control characters that json-gold escapes otherwise
//     than RDFC-1.0's canonical N-Quads (anything below U+0020 except tab,
//     line feed and carriage return, and U+007F);
//   - more than maxLookAlikeBlankNodes blank nodes that share their
//     first-degree hash, which sends RDFC-1.0 into its factorial-time
//     N-degree step (8 such nodes in a clique take many seconds).
func checkCanonicalizable(ds *ld.RDFDataset) error {
	quadsOf := make(map[string][]*ld.Quad)
	n := 0
	for _, quads := range ds.Graphs {
		n += len(quads)
		if n > maxQuads {
			return fmt.Errorf("%w: more than %d statements", ErrTooComplex, maxQuads)
		}
		for _, q := range quads {
			for _, node := range []ld.Node{q.Subject, q.Object, q.Graph} {
				if node == nil {
					continue
				}
				if ld.IsBlankNode(node) {
					quadsOf[node.GetValue()] = append(quadsOf[node.GetValue()], q)
				}
				if lit, ok := node.(ld.Literal); ok {
					if i := strings.IndexFunc(lit.Value, needsUCHAR); i >= 0 {
						return fmt.Errorf("text %q contains control character U+%04X, which certlab does not accept in credentials",
							truncate(lit.Value, 40), []rune(lit.Value[i:])[0])
					}
				}
			}
		}
	}
	// Group blank nodes by their first-degree signature: the quads that
	// mention them, with the node itself and other blank nodes anonymised.
	groups := make(map[string]int, len(quadsOf))
	for b, quads := range quadsOf {
		lines := make([]string, 0, len(quads))
		for _, q := range quads {
			lines = append(lines, firstDegreeLine(q, b))
		}
		sort.Strings(lines)
		groups[strings.Join(lines, "\n")]++
	}
	lookAlike := 0
	for _, c := range groups {
		if c > 1 {
			lookAlike += c
		}
	}
	if lookAlike > maxLookAlikeBlankNodes {
		return fmt.Errorf("%w: %d blank nodes are indistinguishable by their content (at most %d are accepted)",
			ErrTooComplex, lookAlike, maxLookAlikeBlankNodes)
	}
	return nil
}

// needsUCHAR reports whether canonical N-Quads escape r as \uXXXX, which
// json-gold does not do.
func needsUCHAR(r rune) bool {
	return (r < 0x20 && r != '\t' && r != '\n' && r != '\r') || r == 0x7f
}

// firstDegreeLine writes q with blank node self as _:a and any other blank
// node as _:z, as RDFC-1.0's first-degree hash does.
func firstDegreeLine(q *ld.Quad, self string) string {
	term := func(n ld.Node) string {
		switch t := n.(type) {
		case nil:
			return ""
		case ld.BlankNode:
			if t.Attribute == self {
				return "_:a"
			}
			return "_:z"
		case ld.Literal:
			return fmt.Sprintf("%q^^<%s>@%s", t.Value, t.Datatype, t.Language)
		default:
			return "<" + n.GetValue() + ">"
		}
	}
	return term(q.Subject) + " " + term(q.Predicate) + " " + term(q.Object) + " " + term(q.Graph)
}
