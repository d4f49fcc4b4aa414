package badge

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/piprate/json-gold/ld"
)

// URLs of the JSON-LD contexts that certlab credentials use.
const (
	// ContextCredentialsV2 is the W3C Verifiable Credentials Data Model 2.0
	// base context. It also defines DataIntegrityProof and the Bitstring
	// Status List terms, so no separate Data Integrity context is needed.
	ContextCredentialsV2 = "https://www.w3.org/ns/credentials/v2"
	// ContextOpenBadgesV3 is the 1EdTech Open Badges 3.0 context.
	ContextOpenBadgesV3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
)

//go:embed contexts/*.json contexts/*.jsonld
var embeddedContexts embed.FS

// contextFiles maps each known context URL to its file name inside
// contexts/ (both in the embedded copy and in the shared test fixtures).
var contextFiles = map[string]string{
	ContextCredentialsV2: "credentials-v2.jsonld",
	ContextOpenBadgesV3:  "ob-v3p0-context-3.0.3.json",
}

// ContextLoader is a JSON-LD document loader that serves a fixed set of
// contexts from memory and refuses every other URL: canonicalization never
// touches the network, so a credential cannot make the verifier fetch
// anything, and a context cannot change under a signed credential.
type ContextLoader struct {
	docs map[string]any
}

// NewContextLoader returns a loader serving the contexts embedded in the
// certlab binary.
func NewContextLoader() (*ContextLoader, error) {
	sub, err := fs.Sub(embeddedContexts, "contexts")
	if err != nil {
		return nil, fmt.Errorf("embedded contexts: %w", err)
	}
	return loadContexts(sub, "embedded contexts/")
}

// NewContextLoaderFromDir returns a loader serving the contexts from the
// files in dir (credentials-v2.jsonld and ob-v3p0-context-3.0.3.json).
func NewContextLoaderFromDir(dir string) (*ContextLoader, error) {
	return loadContexts(os.DirFS(dir), dir+string(filepath.Separator))
}

func loadContexts(fsys fs.FS, where string) (*ContextLoader, error) {
	l := &ContextLoader{docs: make(map[string]any, len(contextFiles))}
	for url, name := range contextFiles {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("load JSON-LD context %s: %w", url, err)
		}
		doc, err := ld.DocumentFromReader(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("parse JSON-LD context %s%s: %w", where, name, err)
		}
		if _, ok := doc.(map[string]any); !ok {
			return nil, fmt.Errorf("JSON-LD context %s%s: not a JSON object", where, name)
		}
		l.docs[url] = doc
	}
	return l, nil
}

// LoadDocument implements ld.DocumentLoader.
func (l *ContextLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	doc, ok := l.docs[u]
	if !ok {
		return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed,
			fmt.Sprintf("JSON-LD context %q is not one certlab knows (only %s and %s are loaded, never from the network)",
				u, ContextCredentialsV2, ContextOpenBadgesV3))
	}
	// json-gold may keep references into the document; hand out a deep copy so
	// concurrent canonicalizations never share mutable state.
	return &ld.RemoteDocument{DocumentURL: u, Document: deepCopyJSON(doc)}, nil
}

// deepCopyJSON copies a value made of JSON maps, slices and scalars.
func deepCopyJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(t))
		for k, e := range t {
			m[k] = deepCopyJSON(e)
		}
		return m
	case []any:
		s := make([]any, len(t))
		for i, e := range t {
			s[i] = deepCopyJSON(e)
		}
		return s
	default:
		return v
	}
}

// decodeJSONObject parses data as one JSON object in the form json-gold
// expects (maps, slices, float64 numbers).
func decodeJSONObject(data []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("not a JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("trailing data after the JSON object")
	}
	return m, nil
}
