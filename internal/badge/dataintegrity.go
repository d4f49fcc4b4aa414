package badge

import (
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"time"
)

// Data Integrity proof constants for the eddsa-rdfc-2022 cryptosuite.
const (
	ProofTypeDataIntegrity = "DataIntegrityProof"
	CryptosuiteEdDSARDFC   = "eddsa-rdfc-2022"
	ProofPurposeAssertion  = "assertionMethod"
	// ProofTypeEd25519Signature2020 is the earlier Linked Data proof suite
	// that many VC 1.1 credentials use. It signs the same data as
	// eddsa-rdfc-2022 (SHA-256 of the canonical proof options, then of the
	// canonical document, signed with Ed25519), so certlab verifies it with
	// the same code; it never signs with it.
	ProofTypeEd25519Signature2020 = "Ed25519Signature2020"
)

// SigningKey is an Ed25519 private key together with the URL of the
// verification method (the public key's identifier) that proofs name.
type SigningKey struct {
	VerificationMethod string
	PrivateKey         ed25519.PrivateKey
}

// PublicKey returns the public half of the key.
func (k SigningKey) PublicKey() ed25519.PublicKey {
	return k.PrivateKey.Public().(ed25519.PublicKey)
}

// ProofHashes are the intermediate values of an eddsa-rdfc-2022 proof,
// exposed so that tests and curious verifiers can compare them with
// published vectors.
type ProofHashes struct {
	DocumentCanonical string // RDFC-1.0 N-Quads of the credential without its proof
	ProofCanonical    string // RDFC-1.0 N-Quads of the proof options
	DocumentHash      [32]byte
	ProofHash         [32]byte
	DataToSign        []byte // ProofHash followed by DocumentHash
}

// ErrProofInvalid is wrapped by every error that means "this proof does not
// verify" (as opposed to "could not be checked").
var ErrProofInvalid = errors.New("proof invalid")

// SignDataIntegrity returns a copy of the unsecured document doc with an
// eddsa-rdfc-2022 Data Integrity proof added, created at created. The
// proof is written as a list of one proof: VC Data Model 2.0 allows one
// proof or a list, and 1EdTech's Open Badges JSON Schema requires a list.
func (l *ContextLoader) SignDataIntegrity(doc map[string]any, key SigningKey, created time.Time) (map[string]any, error) {
	if _, ok := doc["proof"]; ok {
		return nil, errors.New("sign: document already has a proof")
	}
	if len(key.PrivateKey) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("sign: Ed25519 private key has %d bytes, want %d", len(key.PrivateKey), ed25519.PrivateKeySize)
	}
	if key.VerificationMethod == "" {
		return nil, errors.New("sign: signing key has no verification method URL")
	}
	proof := map[string]any{
		"type":               ProofTypeDataIntegrity,
		"created":            created.UTC().Format(time.RFC3339),
		"verificationMethod": key.VerificationMethod,
		"cryptosuite":        CryptosuiteEdDSARDFC,
		"proofPurpose":       ProofPurposeAssertion,
	}
	h, err := l.ProofHashes(doc, proof)
	if err != nil {
		return nil, fmt.Errorf("sign: %w", err)
	}
	sig := ed25519.Sign(key.PrivateKey, h.DataToSign)
	proof["proofValue"] = EncodeMultibase(sig)
	out := deepCopyJSON(doc).(map[string]any)
	out["proof"] = []any{proof}
	return out, nil
}

// ProofHashes computes the canonical forms and hashes of an eddsa-rdfc-2022
// proof over the unsecured document doc (without "proof") and the proof
// options (the proof without "proofValue"). The proof options are
// canonicalized with the document's @context, as the cryptosuite requires.
func (l *ContextLoader) ProofHashes(doc, proofOptions map[string]any) (*ProofHashes, error) {
	unsecured := make(map[string]any, len(doc))
	for k, v := range doc {
		if k != "proof" {
			unsecured[k] = v
		}
	}
	ctx, ok := doc["@context"]
	if !ok {
		return nil, errors.New("document has no @context")
	}
	opts := make(map[string]any, len(proofOptions)+1)
	for k, v := range proofOptions {
		if k != "proofValue" {
			opts[k] = v
		}
	}
	opts["@context"] = ctx

	docCanon, err := l.Canonicalize(unsecured)
	if err != nil {
		return nil, fmt.Errorf("canonicalize document: %w", err)
	}
	proofCanon, err := l.Canonicalize(opts)
	if err != nil {
		return nil, fmt.Errorf("canonicalize proof options: %w", err)
	}
	h := &ProofHashes{
		DocumentCanonical: docCanon,
		ProofCanonical:    proofCanon,
		DocumentHash:      sha256.Sum256([]byte(docCanon)),
		ProofHash:         sha256.Sum256([]byte(proofCanon)),
	}
	h.DataToSign = append(append(make([]byte, 0, 64), h.ProofHash[:]...), h.DocumentHash[:]...)
	return h, nil
}

// Proof is the parsed "proof" member of a secured credential.
type Proof struct {
	Type               string
	Cryptosuite        string
	VerificationMethod string
	ProofPurpose       string
	Created            time.Time // zero when absent
	Expires            time.Time // zero when absent; the proof is not valid after it
	ProofValue         string
	raw                map[string]any
}

// Options returns the proof as received (including proofValue), for
// ProofHashes.
func (p *Proof) Options() map[string]any { return p.raw }

// parseProof reads the single Data Integrity proof of doc.
func parseProof(doc map[string]any) (*Proof, error) {
	raw, ok := doc["proof"]
	if !ok {
		return nil, errors.New("credential has no proof")
	}
	if list, ok := raw.([]any); ok {
		if len(list) != 1 {
			return nil, fmt.Errorf("credential has %d proofs; certlab verifies exactly one", len(list))
		}
		raw = list[0]
	}
	m, ok := raw.(map[string]any)
	if !ok {
		return nil, errors.New("proof is not a JSON object")
	}
	p := &Proof{raw: m}
	var err error
	if p.Type, err = stringField(m, "type", "proof"); err != nil {
		return nil, err
	}
	if p.Type == ProofTypeDataIntegrity {
		if p.Cryptosuite, err = stringField(m, "cryptosuite", "proof"); err != nil {
			return nil, err
		}
	}
	if p.VerificationMethod, err = stringField(m, "verificationMethod", "proof"); err != nil {
		return nil, err
	}
	if p.ProofPurpose, err = stringField(m, "proofPurpose", "proof"); err != nil {
		return nil, err
	}
	if p.ProofValue, err = stringField(m, "proofValue", "proof"); err != nil {
		return nil, err
	}
	if c, ok := m["created"]; ok {
		s, ok := c.(string)
		if !ok {
			return nil, errors.New("proof.created is not a string")
		}
		if p.Created, err = parseDateTime(s); err != nil {
			return nil, fmt.Errorf("proof.created: %w", err)
		}
	}
	if e, ok := m["expires"]; ok {
		s, ok := e.(string)
		if !ok {
			return nil, errors.New("proof.expires is not a string")
		}
		if p.Expires, err = parseDateTime(s); err != nil {
			return nil, fmt.Errorf("proof.expires: %w", err)
		}
	}
	return p, nil
}

// verifyDataIntegrity checks the eddsa-rdfc-2022 proof of doc against pub.
// Errors that mean the proof does not hold wrap ErrProofInvalid.
func (l *ContextLoader) verifyDataIntegrity(doc map[string]any, p *Proof, pub ed25519.PublicKey) error {
	switch {
	case p.Type == ProofTypeEd25519Signature2020:
	case p.Type != ProofTypeDataIntegrity:
		return fmt.Errorf("%w: proof type is %q; certlab verifies %q and %q", ErrProofInvalid, p.Type, ProofTypeDataIntegrity, ProofTypeEd25519Signature2020)
	case p.Cryptosuite != CryptosuiteEdDSARDFC:
		return fmt.Errorf("%w: cryptosuite is %q, certlab verifies %q", ErrProofInvalid, p.Cryptosuite, CryptosuiteEdDSARDFC)
	}
	if p.ProofPurpose != ProofPurposeAssertion {
		return fmt.Errorf("%w: proof purpose is %q, a credential needs %q", ErrProofInvalid, p.ProofPurpose, ProofPurposeAssertion)
	}
	if pc, ok := p.raw["@context"]; ok && !jsonEqual(pc, doc["@context"]) {
		return fmt.Errorf("%w: the proof's @context differs from the credential's", ErrProofInvalid)
	}
	sig, err := DecodeMultibase(p.ProofValue)
	if err != nil || p.ProofValue == "" || p.ProofValue[0] != 'z' {
		return fmt.Errorf("%w: proofValue is not multibase base58btc", ErrProofInvalid)
	}
	if len(sig) != ed25519.SignatureSize {
		return fmt.Errorf("%w: signature has %d bytes, an Ed25519 signature has %d", ErrProofInvalid, len(sig), ed25519.SignatureSize)
	}
	h, err := l.ProofHashes(doc, p.raw)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrProofInvalid, err)
	}
	if !ed25519.Verify(pub, h.DataToSign, sig) {
		return fmt.Errorf("%w: the Ed25519 signature does not match the credential's content and the issuer's key", ErrProofInvalid)
	}
	return nil
}
