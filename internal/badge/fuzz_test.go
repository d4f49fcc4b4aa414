package badge

import (
	"bytes"
	"context"
	"testing"
	"time"
)

// FuzzParseCredential feeds arbitrary bytes to the credential parsers and
// the verifier: none may panic, and whatever parses must re-encode.
func FuzzParseCredential(f *testing.F) {
	v := mustVector(f)
	f.Add([]byte(v.SignedCredential))
	f.Add([]byte(`{"@context":["https://www.w3.org/ns/credentials/v2"],"type":"VerifiableCredential","issuer":"did:key:z6Mk","credentialSubject":{"id":"x"}}`))
	f.Add([]byte(`{"@context":"https://www.w3.org/ns/credentials/v2","type":["VerifiableCredential"],"issuer":{"id":""},"credentialSubject":[]}`))
	f.Add([]byte(`{"credentialStatus":[{"type":"BitstringStatusListEntry","statusListIndex":"-1"}]}`))
	f.Add([]byte(`eyJhbGciOiJFZERTQSIsImtpZCI6ImRpZDprZXk6ejZNayJ9.e30.AAAA`))
	f.Add([]byte(`{"proof":[{},{}]}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{} {}`))
	loader := mustFixtureLoader(f)
	key, err := ParseOperatorKey(v.PublicKeyMultibase)
	if err != nil {
		f.Fatal(err)
	}
	ver := &Verifier{Contexts: loader, Keys: key, Now: func() time.Time { return time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC) }}
	f.Fuzz(func(t *testing.T, data []byte) {
		if c, err := ParseCredential(data); err == nil {
			if c.IssuerID == "" || !c.HasType(TypeVerifiableCredential) {
				t.Fatalf("parsed credential lacks issuer or type: %+v", c)
			}
			if _, err := MarshalDocument(c.Document); err != nil {
				t.Fatalf("parsed document does not re-encode: %v", err)
			}
		}
		if LooksLikeJWT(data) {
			_, _, _ = ParseJWT(string(data))
		}
		rep := ver.Verify(context.Background(), data)
		if rep.OK() && !bytes.Equal(data, v.SignedCredential) {
			// Only the signed vector (or a re-encoding that canonicalizes the
			// same way) may verify under the vector's key.
			c, err := ParseCredential(data)
			if err != nil || c.Proof == nil || c.Proof.ProofValue != "z5x9aCBYovW3CQCbKdNyhEm7ffYSw1YpEdPywQJoNbzDD2gkzQDKJ1sYKJaWvqZtkMtSbz35HcbgXVEDYHxCzgkCr" {
				t.Fatalf("input verified under the vector's key without its signature:\n%s", data)
			}
		}
	})
}

// FuzzDecodeStatusList checks the encodedList parser on arbitrary input.
func FuzzDecodeStatusList(f *testing.F) {
	f.Add("uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA")
	f.Add("H4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA")
	f.Add("u")
	f.Add("zzz")
	f.Fuzz(func(t *testing.T, s string) {
		l, err := DecodeStatusList(s)
		if err != nil {
			return
		}
		if l.Len() == 0 || l.Len() > maxStatusListBits {
			t.Fatalf("decoded list of %d bits", l.Len())
		}
		enc, err := l.Encode()
		if err != nil {
			t.Fatal(err)
		}
		back, err := DecodeStatusList(enc)
		if err != nil || !bytes.Equal(back.bits, l.bits) {
			t.Fatalf("re-encoded list does not round-trip: %v", err)
		}
	})
}

// FuzzDecodeMultibase checks multibase and Multikey decoding.
func FuzzDecodeMultibase(f *testing.F) {
	f.Add("z6MkjZRZv3aez3r18pB1RBFJR1kwUVJ5jHt92JmQwXbd5hwi")
	f.Add("z1111")
	f.Add("uAAEC")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		b, err := DecodeMultibase(s)
		if err == nil && s[0] == 'z' {
			if got := EncodeMultibase(b); got != s {
				t.Fatalf("base58btc %q re-encodes as %q", s, got)
			}
		}
		if k, err := DecodeMultikey(s); err == nil {
			if EncodeMultikey(k) != s {
				t.Fatalf("multikey %q does not round-trip", s)
			}
		}
	})
}

// FuzzParseJWT checks the VC-JWT parser, seeded with a token certlab issued.
func FuzzParseJWT(f *testing.F) {
	v := mustVector(f)
	loader := mustFixtureLoader(f)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	ic, err := loader.Issue(OpenBadge{
		ID: "https://c.example/credentials/1", Issuer: IssuerProfile{ID: "https://c.example/issuer", Name: "C"},
		Achievement: Achievement{ID: "https://c.example/a/1", Name: "A", Criteria: "Do it."},
		Recipient:   Recipient{ID: "did:example:x"}, ValidFrom: now,
	}, SigningKey{VerificationMethod: "https://c.example/issuer#" + v.PublicKeyMultibase, PrivateKey: mustHex(f, v.PrivateKeyHex)}, now)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(ic.JWT)
	f.Add("a.b.c")
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Fuzz(func(t *testing.T, token string) {
		c, hdr, err := ParseJWT(token)
		if err != nil {
			return
		}
		if hdr.Kid == "" || (hdr.Alg != "EdDSA" && hdr.Alg != "Ed25519") {
			t.Fatalf("accepted header %+v", hdr)
		}
		if c.IssuerID == "" || !c.HasType(TypeVerifiableCredential) {
			t.Fatalf("accepted payload without issuer or type: %+v", c)
		}
	})
}
