package badge

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

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
	// ContextCID is the W3C Controlled Identifiers 1.0 context: it defines
	// verificationMethod, assertionMethod and Multikey at the top level of a
	// controller document such as certlab's issuer profile.
	ContextCID = "https://www.w3.org/ns/cid/v1"
)

// URLs of the contexts that other issuers' credentials use and certlab
// accepts for verification: Verifiable Credentials 1.1, earlier Open Badges
// 3.0 contexts, and the contexts of the Data Integrity and Ed25519Signature2020
// proof suites.
const (
	ContextCredentialsV1        = "https://www.w3.org/2018/credentials/v1"
	ContextOpenBadgesV300       = "https://purl.imsglobal.org/spec/ob/v3p0/context.json"
	ContextOpenBadgesV301       = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json"
	ContextOpenBadgesV302       = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json"
	ContextDataIntegrityV1      = "https://w3id.org/security/data-integrity/v1"
	ContextDataIntegrityV2      = "https://w3id.org/security/data-integrity/v2"
	ContextMultikeyV1           = "https://w3id.org/security/multikey/v1"
	ContextEd25519Signature2020 = "https://w3id.org/security/suites/ed25519-2020/v1"
)

//go:embed contexts/*.json contexts/*.jsonld
var embeddedContexts embed.FS

// contextFiles maps each known context URL to its file name inside
// contexts/ (both in the embedded copy and in the shared test fixtures).
// contexts/README.md records where each copy comes from.
var contextFiles = map[string]string{
	ContextCredentialsV2:        "credentials-v2.jsonld",
	ContextOpenBadgesV3:         "ob-v3p0-context-3.0.3.json",
	ContextCID:                  "cid-v1.jsonld",
	ContextCredentialsV1:        "credentials-v1.jsonld",
	ContextOpenBadgesV300:       "ob-v3p0-context.json",
	ContextOpenBadgesV301:       "ob-v3p0-context-3.0.1.json",
	ContextOpenBadgesV302:       "ob-v3p0-context-3.0.2.json",
	ContextDataIntegrityV1:      "data-integrity-v1.jsonld",
	ContextDataIntegrityV2:      "data-integrity-v2.jsonld",
	ContextMultikeyV1:           "multikey-v1.jsonld",
	ContextEd25519Signature2020: "ed25519-signature-2020-v1.jsonld",
}

// requiredContextFiles are the contexts a directory given to
// NewContextLoaderFromDir must hold; the others fall back to the embedded
// copies.
var requiredContextFiles = []string{ContextCredentialsV2, ContextOpenBadgesV3}

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
	l := &ContextLoader{docs: make(map[string]any, len(contextFiles))}
	for url := range contextFiles {
		if err := l.load(sub, "embedded contexts/", url); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// NewContextLoaderFromDir returns a loader serving the contexts from the
// files in dir, which must hold at least credentials-v2.jsonld and
// ob-v3p0-context-3.0.3.json; a known context without a file there is
// served from the embedded copy.
func NewContextLoaderFromDir(dir string) (*ContextLoader, error) {
	l, err := NewContextLoader()
	if err != nil {
		return nil, err
	}
	fsys, where := os.DirFS(dir), dir+string(filepath.Separator)
	for url, name := range contextFiles {
		err := l.load(fsys, where, url)
		if errors.Is(err, fs.ErrNotExist) && !slices.Contains(requiredContextFiles, url) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s%s: %w", where, name, err)
		}
	}
	return l, nil
}

// load reads the context url from its file in fsys.
func (l *ContextLoader) load(fsys fs.FS, where, url string) error {
	name := contextFiles[url]
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("load JSON-LD context %s: %w", url, err)
	}
	doc, err := ld.DocumentFromReader(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("parse JSON-LD context %s%s: %w", where, name, err)
	}
	if _, ok := doc.(map[string]any); !ok {
		return fmt.Errorf("JSON-LD context %s%s: not a JSON object", where, name)
	}
	l.docs[url] = doc
	return nil
}

// KnownContexts lists the URLs of the contexts the loader serves, sorted.
func (l *ContextLoader) KnownContexts() []string {
	out := make([]string, 0, len(l.docs))
	for u := range l.docs {
		out = append(out, u)
	}
	slices.Sort(out)
	return out
}

// LoadDocument implements ld.DocumentLoader.
func (l *ContextLoader) LoadDocument(u string) (*ld.RemoteDocument, error) {
	doc, ok := l.docs[u]
	if !ok {
		return nil, ld.NewJsonLdError(ld.LoadingDocumentFailed,
			fmt.Sprintf("JSON-LD context %q is not one certlab knows (it serves %d contexts embedded in the binary and never loads one from the network)",
				truncate(u, 200), len(l.docs)))
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
