package badge

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// JOSE header values of a VC-JWT as the W3C "Securing Verifiable
// Credentials using JOSE and COSE" Recommendation defines them.
const (
	jwtAlgEdDSA = "EdDSA"
	jwtTypVC    = "vc+jwt"
	jwtCtyVC    = "vc"
)

// JWTHeader is the protected header of a VC-JWT.
type JWTHeader struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	Typ string `json:"typ,omitempty"`
	Cty string `json:"cty,omitempty"`
}

// SignJWT secures the unsecured credential doc as a VC-JWT: the payload
// is the credential itself, the header names alg EdDSA, typ vc+jwt, cty vc
// and the verification method as kid.
func SignJWT(doc map[string]any, key SigningKey) (string, error) {
	if _, ok := doc["proof"]; ok {
		return "", errors.New("sign VC-JWT: the credential must be unsecured (no proof)")
	}
	if len(key.PrivateKey) != ed25519.PrivateKeySize || key.VerificationMethod == "" {
		return "", errors.New("sign VC-JWT: signing key needs an Ed25519 private key and a verification method")
	}
	hdr, err := json.Marshal(JWTHeader{Alg: jwtAlgEdDSA, Kid: key.VerificationMethod, Typ: jwtTypVC, Cty: jwtCtyVC})
	if err != nil {
		return "", fmt.Errorf("sign VC-JWT: header: %w", err)
	}
	var payload bytes.Buffer
	enc := json.NewEncoder(&payload)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return "", fmt.Errorf("sign VC-JWT: payload: %w", err)
	}
	signingInput := base64RawURL(hdr) + "." + base64RawURL(bytes.TrimRight(payload.Bytes(), "\n"))
	sig := ed25519.Sign(key.PrivateKey, []byte(signingInput))
	return signingInput + "." + base64RawURL(sig), nil
}

// parsedJWT is a VC-JWT split into its parts, not yet verified.
type parsedJWT struct {
	Header       JWTHeader
	SigningInput string
	Signature    []byte
	Credential   *Credential
}

// LooksLikeJWT reports whether data is a compact JWS (three base64url
// parts separated by dots) rather than JSON.
func LooksLikeJWT(data []byte) bool {
	s := strings.TrimSpace(string(data))
	if strings.Count(s, ".") != 2 {
		return false
	}
	for _, r := range s {
		if !(r == '.' || r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return false
		}
	}
	return true
}

// ParseJWT parses a VC-JWT and the credential in its payload without
// verifying the signature.
func ParseJWT(token string) (*Credential, JWTHeader, error) {
	p, err := parseJWT(token)
	if err != nil {
		return nil, JWTHeader{}, err
	}
	return p.Credential, p.Header, nil
}

func parseJWT(token string) (*parsedJWT, error) {
	token = strings.TrimSpace(token)
	if len(token) > maxCredentialBytes {
		return nil, fmt.Errorf("VC-JWT is %d bytes, more than the %d certlab accepts", len(token), maxCredentialBytes)
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("VC-JWT has %d dot-separated parts, want 3", len(parts))
	}
	hdrJSON, err := decodeBase64RawURL(parts[0])
	if err != nil {
		return nil, fmt.Errorf("VC-JWT header: %w", err)
	}
	var hdr JWTHeader
	dec := json.NewDecoder(bytes.NewReader(hdrJSON))
	if err := dec.Decode(&hdr); err != nil {
		return nil, fmt.Errorf("VC-JWT header is not JSON: %w", err)
	}
	var crit struct {
		Crit []string `json:"crit"`
	}
	if json.Unmarshal(hdrJSON, &crit) == nil && len(crit.Crit) > 0 {
		return nil, fmt.Errorf("VC-JWT header has critical extensions %v that certlab does not understand", crit.Crit)
	}
	if hdr.Alg != jwtAlgEdDSA && hdr.Alg != "Ed25519" {
		return nil, fmt.Errorf("VC-JWT alg is %q; certlab verifies EdDSA (Ed25519)", hdr.Alg)
	}
	if hdr.Typ != "" && hdr.Typ != jwtTypVC && hdr.Typ != "vc+ld+json+jwt" {
		return nil, fmt.Errorf("VC-JWT typ is %q, want %q", hdr.Typ, jwtTypVC)
	}
	if hdr.Kid == "" {
		return nil, errors.New("VC-JWT header has no kid naming the issuer's key")
	}
	payload, err := decodeBase64RawURL(parts[1])
	if err != nil {
		return nil, fmt.Errorf("VC-JWT payload: %w", err)
	}
	doc, err := decodeJSONObject(payload)
	if err != nil {
		return nil, fmt.Errorf("VC-JWT payload is not a JSON object: %w", err)
	}
	if _, ok := doc["proof"]; ok {
		return nil, errors.New("VC-JWT payload carries a Data Integrity proof; a VC-JWT secures an unsecured credential")
	}
	cred, err := credentialFromDocument(doc)
	if err != nil {
		return nil, fmt.Errorf("VC-JWT payload: %w", err)
	}
	sig, err := decodeBase64RawURL(parts[2])
	if err != nil {
		return nil, fmt.Errorf("VC-JWT signature: %w", err)
	}
	return &parsedJWT{Header: hdr, SigningInput: parts[0] + "." + parts[1], Signature: sig, Credential: cred}, nil
}

// verifyJWTSignature checks the Ed25519 signature of a parsed VC-JWT.
func verifyJWTSignature(p *parsedJWT, pub ed25519.PublicKey) error {
	if len(p.Signature) != ed25519.SignatureSize {
		return fmt.Errorf("%w: signature has %d bytes, an Ed25519 signature has %d", ErrProofInvalid, len(p.Signature), ed25519.SignatureSize)
	}
	if !ed25519.Verify(pub, []byte(p.SigningInput), p.Signature) {
		return fmt.Errorf("%w: the Ed25519 signature does not match the token's content and the issuer's key", ErrProofInvalid)
	}
	return nil
}
