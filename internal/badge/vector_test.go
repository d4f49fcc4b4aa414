package badge

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"path/filepath"
	"testing"
)

func TestVectorCanonicalFormsAndSignature(t *testing.T) {
	t.Parallel()
	l := mustFixtureLoader(t)
	v := mustVector(t)
	cred, err := ParseCredential(v.SignedCredential)
	if err != nil {
		t.Fatalf("parse vector credential: %v", err)
	}
	h, err := l.ProofHashes(cred.Document, cred.Proof.raw)
	if err != nil {
		t.Fatalf("proof hashes: %v", err)
	}
	dir := sharedFixtures(t)
	if want := string(mustReadFile(t, filepath.Join(dir, "document-canon.nq"))); h.DocumentCanonical != want {
		t.Errorf("document canonical form differs\n got: %s\nwant: %s", h.DocumentCanonical, want)
	}
	if want := string(mustReadFile(t, filepath.Join(dir, "proof-canon.nq"))); h.ProofCanonical != want {
		t.Errorf("proof canonical form differs\n got: %s\nwant: %s", h.ProofCanonical, want)
	}
	if got := hex.EncodeToString(h.DocumentHash[:]); got != v.DocumentHashHex {
		t.Errorf("document hash = %s, want %s", got, v.DocumentHashHex)
	}
	if got := hex.EncodeToString(h.ProofHash[:]); got != v.ProofHashHex {
		t.Errorf("proof hash = %s, want %s", got, v.ProofHashHex)
	}
	if got := hex.EncodeToString(h.DataToSign); got != v.DataToSignHex {
		t.Errorf("data to sign = %s, want %s", got, v.DataToSignHex)
	}

	// Signing the same data with the vector's private key reproduces the
	// published signature (Ed25519 is deterministic) and proofValue.
	priv := ed25519.PrivateKey(mustHex(t, v.PrivateKeyHex))
	sig := ed25519.Sign(priv, h.DataToSign)
	if got := hex.EncodeToString(sig); got != v.SignatureHex {
		t.Errorf("signature = %s, want %s", got, v.SignatureHex)
	}
	if got := EncodeMultibase(sig); got != cred.Proof.ProofValue {
		t.Errorf("proofValue = %s, want %s", got, cred.Proof.ProofValue)
	}
	pub := ed25519.PublicKey(mustHex(t, v.PublicKeyHex))
	if got := EncodeMultikey(pub); got != v.PublicKeyMultibase {
		t.Errorf("multikey = %s, want %s", got, v.PublicKeyMultibase)
	}
	if !bytes.Equal(priv.Public().(ed25519.PublicKey), pub) {
		t.Errorf("vector private key does not match its public key")
	}
	if err := l.verifyDataIntegrity(cred.Document, cred.Proof, pub); err != nil {
		t.Errorf("verify vector proof: %v", err)
	}
}
