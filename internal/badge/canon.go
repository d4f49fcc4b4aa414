package badge

import (
	"fmt"

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
