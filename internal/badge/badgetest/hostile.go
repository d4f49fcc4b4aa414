package badgetest

import (
	"encoding/json"
	"fmt"
)

// HostileCredential returns an OpenBadgeCredential of about size bytes
// whose achievement lists thousands of alignments: every one a node with a
// type-scoped context and a handful of statements, so JSON-LD expansion
// and conversion to RDF take long before any statement cap can apply. It
// carries a proof whose value does not matter: the document must be
// refused before it is checked. Benchmarks and the public verification
// endpoint's tests use it.
func HostileCredential(size int) []byte { return alignmentCredential(size, -1) }

// AlignmentCredential is the same document with exactly n alignments.
func AlignmentCredential(n int) []byte { return alignmentCredential(-1, n) }

func alignmentCredential(size, n int) []byte {
	var alignments []any
	doc := map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id":        "https://hostile.example/credentials/1",
		"type":      []any{"VerifiableCredential", "OpenBadgeCredential"},
		"issuer":    map[string]any{"id": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK", "type": []any{"Profile"}, "name": "certlab"},
		"validFrom": "2026-01-01T00:00:00Z",
		"credentialSubject": map[string]any{
			"id":   "did:example:x",
			"type": []any{"AchievementSubject"},
			"achievement": map[string]any{
				"id": "https://hostile.example/a/1", "type": []any{"Achievement"}, "name": "A", "description": "d",
				"criteria": map[string]any{"narrative": "n"},
			},
		},
		"proof": []any{map[string]any{
			"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "assertionMethod",
			"verificationMethod": "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
			"created":            "2026-01-01T00:00:00Z", "proofValue": "z3FXQjecWufY46yg5abdVZsXqLhxhueuSoZgNSARiKBk9czhSePTFehP8c3PGfb6a22gkfUKods5D2UAUL5n2Brbx",
		}},
	}
	ach := doc["credentialSubject"].(map[string]any)["achievement"].(map[string]any)
	for i := 0; ; i++ {
		alignments = append(alignments, map[string]any{
			"type": []any{"Alignment"}, "targetName": fmt.Sprintf("t%d", i),
			"targetUrl": fmt.Sprintf("https://h.example/%d", i), "targetCode": fmt.Sprint(i),
		})
		if n >= 0 && len(alignments) >= n {
			ach["alignment"] = alignments[:n]
			b, _ := json.Marshal(doc)
			return b
		}
		if size >= 0 && i%64 == 0 {
			ach["alignment"] = alignments
			if b, _ := json.Marshal(doc); len(b) >= size {
				return b
			}
		}
	}
}
