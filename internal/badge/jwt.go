package badge

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// JOSE header values of a VC-JWT. Open Badges 3.0 §8.2 ("JSON Web Token
// Proof Format") says typ, if present, MUST be "JWT"; the W3C "Securing
// Verifiable Credentials using JOSE and COSE" Recommendation, which §8.2
// refers to, uses "vc+jwt". certlab signs with "JWT" and verifies both.
const (
	jwtAlgEdDSA = "EdDSA"
	jwtTypJWT   = "JWT"
	jwtTypVC    = "vc+jwt"
)

// JWTHeader is the protected header of a VC-JWT.
type JWTHeader struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	Typ string `json:"typ,omitempty"`
	Cty string `json:"cty,omitempty"`
}

// JWT profiles: which rules a token's registered claims follow.
const (
	// JWTProfileOpenBadges is a token per Open Badges 3.0 §8.2: typ "JWT" or
	// absent, the credential as the payload (or, for tokens made under VC
	// Data Model 1.1, in the vc claim), and iss, jti, nbf and sub required.
	JWTProfileOpenBadges = "Open Badges 3.0 §8.2 VC-JWT"
	// JWTProfileJOSE is a token per W3C VC-JOSE-COSE: typ "vc+jwt" and the
	// credential as the payload; registered claims are optional.
	JWTProfileJOSE = "VC-JOSE-COSE (typ vc+jwt)"
)

// SignJWT secures the unsecured credential doc as a VC-JWT per Open Badges
// 3.0 §8.2: the header names alg EdDSA, typ JWT and the verification method
// as kid; the payload is the credential with the registered claims iss
// (issuer id), jti (credential id), sub (credentialSubject.id), nbf
// (validFrom) and, when the credential expires, exp (validUntil).
func SignJWT(doc map[string]any, key SigningKey) (string, error) {
	if _, ok := doc["proof"]; ok {
		return "", errors.New("sign VC-JWT: the credential must be unsecured (no proof)")
	}
	if len(key.PrivateKey) != ed25519.PrivateKeySize || key.VerificationMethod == "" {
		return "", errors.New("sign VC-JWT: signing key needs an Ed25519 private key and a verification method")
	}
	cred, err := credentialFromDocument(doc)
	if err != nil {
		return "", fmt.Errorf("sign VC-JWT: %w", err)
	}
	if cred.ID == "" || cred.ValidFrom.IsZero() {
		return "", errors.New("sign VC-JWT: Open Badges 3.0 §8.2 needs the credential's id (jti) and validFrom (nbf)")
	}
	for _, c := range registeredClaims {
		if _, ok := doc[c]; ok {
			return "", fmt.Errorf("sign VC-JWT: the credential already has a member %q, a JWT claim name", c)
		}
	}
	hdr, err := json.Marshal(JWTHeader{Alg: jwtAlgEdDSA, Kid: key.VerificationMethod, Typ: jwtTypJWT})
	if err != nil {
		return "", fmt.Errorf("sign VC-JWT: header: %w", err)
	}
	payload := make(map[string]any, len(doc)+5)
	for k, v := range doc {
		payload[k] = v
	}
	payload["iss"] = cred.IssuerID
	payload["jti"] = cred.ID
	payload["nbf"] = cred.ValidFrom.Unix()
	if cred.SubjectID != "" {
		payload["sub"] = cred.SubjectID
	}
	if !cred.ValidUntil.IsZero() {
		payload["exp"] = cred.ValidUntil.Unix()
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(payload); err != nil {
		return "", fmt.Errorf("sign VC-JWT: payload: %w", err)
	}
	signingInput := base64RawURL(hdr) + "." + base64RawURL(bytes.TrimRight(buf.Bytes(), "\n"))
	sig := ed25519.Sign(key.PrivateKey, []byte(signingInput))
	return signingInput + "." + base64RawURL(sig), nil
}

// registeredClaims are the JWT claims OB 3.0 §8.2 maps onto the credential.
var registeredClaims = []string{"iss", "jti", "sub", "nbf", "exp"}

// parsedJWT is a VC-JWT split into its parts, not yet verified.
type parsedJWT struct {
	Header       JWTHeader
	Profile      string // JWTProfileOpenBadges or JWTProfileJOSE
	SigningInput string
	Signature    []byte
	Credential   *Credential
	// ClaimsErr is why the registered claims contradict the credential or
	// miss one the profile requires; nil when they agree.
	ClaimsErr error
	Claims    jwtClaims
}

// jwtClaims are the registered claims of a token, as found.
type jwtClaims struct {
	Iss, Jti, Sub string
	Nbf, Exp      *time.Time
	has           map[string]bool
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
// verifying the signature or the registered claims.
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
	p := &parsedJWT{Header: hdr, SigningInput: parts[0] + "." + parts[1]}
	switch hdr.Typ {
	case "", jwtTypJWT:
		p.Profile = JWTProfileOpenBadges
	case jwtTypVC, "vc+ld+json+jwt":
		p.Profile = JWTProfileJOSE
	default:
		return nil, fmt.Errorf("VC-JWT typ is %q; Open Badges 3.0 §8.2 requires %q (or no typ), and VC-JOSE-COSE uses %q", truncate(hdr.Typ, 40), jwtTypJWT, jwtTypVC)
	}
	if hdr.Kid == "" {
		return nil, errors.New("VC-JWT header has no kid naming the issuer's key")
	}
	payloadJSON, err := decodeBase64RawURL(parts[1])
	if err != nil {
		return nil, fmt.Errorf("VC-JWT payload: %w", err)
	}
	if err := checkJSONShape(payloadJSON, defaultShapeLimits); err != nil {
		return nil, fmt.Errorf("VC-JWT payload: %w", err)
	}
	payload, err := decodeJSONObject(payloadJSON)
	if err != nil {
		return nil, fmt.Errorf("VC-JWT payload is not a JSON object: %w", err)
	}
	claims, err := readClaims(payload)
	if err != nil {
		return nil, fmt.Errorf("VC-JWT payload: %w", err)
	}
	p.Claims = claims
	doc := payload
	if vc, ok := payload["vc"]; ok {
		// A token made under VC Data Model 1.1 carries the credential in the
		// vc claim; OB 3.0 §8.2 converts it to the credential.
		m, ok := vc.(map[string]any)
		if !ok {
			return nil, errors.New("VC-JWT vc claim is not a JSON object")
		}
		doc = credentialFromVCClaim(m, claims)
		p.Profile = JWTProfileOpenBadges
	}
	if _, ok := doc["proof"]; ok {
		return nil, errors.New("VC-JWT payload carries a Data Integrity proof; a VC-JWT secures an unsecured credential")
	}
	cred, err := credentialFromDocument(doc)
	if err != nil {
		return nil, fmt.Errorf("VC-JWT payload: %w", err)
	}
	p.Credential = cred
	p.ClaimsErr = checkClaims(p.Profile, claims, cred)
	if p.Signature, err = decodeBase64RawURL(parts[2]); err != nil {
		return nil, fmt.Errorf("VC-JWT signature: %w", err)
	}
	return p, nil
}

// readClaims reads the registered claims of payload, checking their types.
func readClaims(payload map[string]any) (jwtClaims, error) {
	c := jwtClaims{has: map[string]bool{}}
	for _, name := range []string{"iss", "jti", "sub"} {
		v, ok := payload[name]
		if !ok {
			continue
		}
		s, ok := v.(string)
		if !ok {
			return c, fmt.Errorf("claim %s is not a string", name)
		}
		c.has[name] = true
		switch name {
		case "iss":
			c.Iss = s
		case "jti":
			c.Jti = s
		case "sub":
			c.Sub = s
		}
	}
	for _, name := range []string{"nbf", "exp"} {
		v, ok := payload[name]
		if !ok {
			continue
		}
		f, ok := v.(float64)
		if !ok || math.IsNaN(f) || math.IsInf(f, 0) || math.Abs(f) > 1e11 {
			return c, fmt.Errorf("claim %s is not a NumericDate (seconds since 1970)", name)
		}
		t := time.Unix(int64(math.Floor(f)), 0).UTC()
		c.has[name] = true
		if name == "nbf" {
			c.Nbf = &t
		} else {
			c.Exp = &t
		}
	}
	return c, nil
}

// credentialFromVCClaim turns the vc claim of a VC 1.1 JWT into the
// credential: members the issuer left to the registered claims (issuer,
// id, issuanceDate, expirationDate, credentialSubject.id) are filled in
// from them, as VC Data Model 1.1 §6.3.1 decodes a JWT.
func credentialFromVCClaim(vc map[string]any, c jwtClaims) map[string]any {
	doc := deepCopyJSON(vc).(map[string]any)
	if _, ok := doc["issuer"]; !ok && c.Iss != "" {
		doc["issuer"] = c.Iss
	}
	if _, ok := doc["id"]; !ok && c.Jti != "" {
		doc["id"] = c.Jti
	}
	_, from := doc["validFrom"]
	if _, ok := doc["issuanceDate"]; !ok && !from && c.Nbf != nil {
		doc["issuanceDate"] = formatDateTime(*c.Nbf)
	}
	_, until := doc["validUntil"]
	if _, ok := doc["expirationDate"]; !ok && !until && c.Exp != nil {
		doc["expirationDate"] = formatDateTime(*c.Exp)
	}
	if subj, ok := doc["credentialSubject"].(map[string]any); ok && c.Sub != "" {
		if _, ok := subj["id"]; !ok {
			subj["id"] = c.Sub
		}
	}
	return doc
}

// checkClaims compares the registered claims with the credential. Under
// Open Badges 3.0 §8.2, iss, jti and nbf are required, sub is required
// when the credential subject has an id, and exp when the credential has
// a validUntil; under VC-JOSE-COSE every claim is optional. In both, a
// claim that is present must agree with the credential: a token that says
// one thing in its claims and another in its credential is invalid. exp
// on a credential without validUntil sets it, as §8.2 says.
func checkClaims(profile string, c jwtClaims, cred *Credential) error {
	strict := profile == JWTProfileOpenBadges
	var problems []string
	need := func(name, want string) {
		if strict {
			problems = append(problems, fmt.Sprintf("it has no %s claim (%s)", name, want))
		}
	}
	if !c.has["iss"] {
		need("iss", "the issuer id")
	} else if c.Iss != cred.IssuerID {
		problems = append(problems, fmt.Sprintf("iss %q is not the credential's issuer %q", truncate(c.Iss, 80), truncate(cred.IssuerID, 80)))
	}
	if !c.has["jti"] {
		need("jti", "the credential id")
	} else if c.Jti != cred.ID {
		problems = append(problems, fmt.Sprintf("jti %q is not the credential's id %q", truncate(c.Jti, 80), truncate(cred.ID, 80)))
	}
	switch {
	case c.has["sub"] && c.Sub != cred.SubjectID:
		problems = append(problems, fmt.Sprintf("sub %q is not the credential subject's id %q", truncate(c.Sub, 80), truncate(cred.SubjectID, 80)))
	case !c.has["sub"] && cred.SubjectID != "":
		need("sub", "the credential subject's id")
	}
	switch {
	case c.Nbf == nil:
		need("nbf", "validFrom")
	case cred.ValidFrom.IsZero():
		problems = append(problems, fmt.Sprintf("nbf %s is given but the credential has no validFrom", formatDateTime(*c.Nbf)))
	case !c.Nbf.Equal(cred.ValidFrom.Truncate(time.Second)):
		problems = append(problems, fmt.Sprintf("nbf %s is not the credential's validFrom %s", formatDateTime(*c.Nbf), formatDateTime(cred.ValidFrom)))
	}
	switch {
	case c.Exp == nil && !cred.ValidUntil.IsZero():
		need("exp", "validUntil")
	case c.Exp != nil && cred.ValidUntil.IsZero():
		cred.ValidUntil = *c.Exp
	case c.Exp != nil && !c.Exp.Equal(cred.ValidUntil.Truncate(time.Second)):
		problems = append(problems, fmt.Sprintf("exp %s is not the credential's validUntil %s", formatDateTime(*c.Exp), formatDateTime(cred.ValidUntil)))
	}
	if len(problems) == 0 {
		return nil
	}
	return errors.New(strings.Join(problems, "; "))
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
