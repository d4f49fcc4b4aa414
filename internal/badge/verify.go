package badge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// StatusFetcher fetches the status list credential published at a URL.
// The server can serve its own lists without HTTP by implementing it.
type StatusFetcher interface {
	FetchStatusList(ctx context.Context, url string) ([]byte, error)
}

// Verifier checks credentials. Its zero value is not usable: Contexts and
// Keys are required; Status may be nil only for credentials without a
// credentialStatus.
type Verifier struct {
	Contexts *ContextLoader
	// Keys finds the issuer's public key for the verification method a
	// credential names. A key is never taken from the credential itself.
	Keys KeyResolver
	// Status fetches status list credentials.
	Status StatusFetcher
	// Withdrawn lists withdrawn issuer keys, each a verification method URL
	// or a Multikey; a credential signed by one of them does not verify.
	Withdrawn []string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// OwnIssuers are the issuer ids (profile URL, did:web DID) of the
	// server running the verifier; TrustedIssuers those its operator
	// marked as trusted. A verified credential from any other issuer is
	// reported as from an unknown issuer: its signature shows only that the
	// holder of the key signed it, whatever name it gives itself.
	OwnIssuers     []string
	TrustedIssuers []string
}

// Trust says what the verifier knows of a credential's issuer.
type Trust string

// The trust levels of a report.
const (
	TrustOwn      Trust = "own"      // the issuer of the server running the verifier
	TrustTrusted  Trust = "trusted"  // an issuer its operator marked as trusted
	TrustOperator Trust = "operator" // checked against a key the person verifying supplied
	TrustUnknown  Trust = "unknown"  // neither: anyone can create a key and any name
)

// CheckName identifies one check of a verification report.
type CheckName string

// The checks of a report, in the order they are reported.
const (
	CheckFormat     CheckName = "format"
	CheckProof      CheckName = "proof"
	CheckClaims     CheckName = "token-claims" // VC-JWT only
	CheckIssuerKey  CheckName = "issuer-key"
	CheckValidFrom  CheckName = "valid-from"
	CheckValidUntil CheckName = "valid-until"
	CheckStatus     CheckName = "status"
)

// Check is the outcome of one check with an explanation in plain words.
type Check struct {
	Name        CheckName `json:"check"`
	Passed      bool      `json:"passed"`
	Explanation string    `json:"explanation"`
}

// Report is what a verification found.
type Report struct {
	Format       string    `json:"format,omitempty"`
	CredentialID string    `json:"id,omitempty"`
	Issuer       string    `json:"issuer,omitempty"`
	IssuerName   string    `json:"issuerName,omitempty"`
	Subject      string    `json:"subject,omitempty"`
	Achievement  string    `json:"achievement,omitempty"`
	CheckedAt    time.Time `json:"checkedAt"`
	Checks       []Check   `json:"checks"`
	Verified     bool      `json:"verified"`
	// SignedBy says who signed, in plain words: the issuer the key belongs
	// to and where the key was found. Empty when no key was found.
	SignedBy string `json:"signedBy,omitempty"`
	// IssuerTrust is what the verifier knows of the issuer; Trust explains it.
	IssuerTrust Trust  `json:"issuerTrust,omitempty"`
	TrustNote   string `json:"issuerTrustExplanation,omitempty"`
}

// Headline is the verdict in one sentence: whether every check holds
// and, when it does, whose credential it is.
func (r *Report) Headline() string {
	if !r.OK() {
		return "NOT verified: at least one check failed."
	}
	switch r.IssuerTrust {
	case TrustOwn:
		return "Verified: every check holds, and the issuer is this server's own issuer."
	case TrustTrusted:
		return "Verified: every check holds, and the issuer is one this server's administrator trusts."
	case TrustOperator:
		return "Verified: every check holds against the issuer key you supplied."
	default:
		return "Signature valid, but the issuer is UNKNOWN: every check holds, yet nothing tells who " +
			issuerLabel(r) + " really is; anyone can create a key and sign a credential under any name."
	}
}

// issuerLabel names the issuer as the credential does.
func issuerLabel(r *Report) string {
	if r.IssuerName != "" {
		return fmt.Sprintf("%q (%s)", r.IssuerName, r.Issuer)
	}
	return r.Issuer
}

// OK reports whether every check passed.
func (r *Report) OK() bool {
	if len(r.Checks) == 0 {
		return false
	}
	for _, c := range r.Checks {
		if !c.Passed {
			return false
		}
	}
	return true
}

// Failed returns the check called name if it failed, or nil if it passed
// or did not run.
func (r *Report) Failed(name CheckName) *Check {
	for i := range r.Checks {
		if r.Checks[i].Name == name && !r.Checks[i].Passed {
			return &r.Checks[i]
		}
	}
	return nil
}

func (r *Report) add(name CheckName, passed bool, format string, args ...any) {
	r.Checks = append(r.Checks, Check{Name: name, Passed: passed, Explanation: fmt.Sprintf(format, args...)})
	r.Verified = r.OK()
}

// WriteText writes the report for a person to read.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	if r.Achievement != "" {
		fmt.Fprintf(&b, "Credential:  %s\n", r.Achievement)
	}
	if r.CredentialID != "" {
		fmt.Fprintf(&b, "ID:          %s\n", r.CredentialID)
	}
	if r.Issuer != "" {
		name := r.Issuer
		if r.IssuerName != "" {
			name = r.IssuerName + " (" + r.Issuer + ")"
		}
		fmt.Fprintf(&b, "Issuer:      %s\n", name)
	}
	if r.Subject != "" {
		fmt.Fprintf(&b, "Holder:      %s\n", r.Subject)
	}
	if r.Format != "" {
		fmt.Fprintf(&b, "Secured as:  %s\n", r.Format)
	}
	if r.SignedBy != "" {
		fmt.Fprintf(&b, "Signed by:   %s\n", r.SignedBy)
	}
	if r.TrustNote != "" {
		fmt.Fprintf(&b, "Trust:       %s\n", r.TrustNote)
	}
	fmt.Fprintf(&b, "Checked at:  %s\n\n", r.CheckedAt.UTC().Format(time.RFC3339))
	for _, c := range r.Checks {
		mark := "PASS"
		if !c.Passed {
			mark = "FAIL"
		}
		fmt.Fprintf(&b, "%s  %-11s %s\n", mark, c.Name, c.Explanation)
	}
	b.WriteString("\n" + r.Headline() + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteJSON writes the report as indented JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

// Verify checks a credential given as JSON (Data Integrity), as a compact
// VC-JWT, or baked into a PNG or SVG badge image, and reports every check. It never returns an error:
// whatever went wrong is a failed check in the report.
func (v *Verifier) Verify(ctx context.Context, data []byte) *Report {
	r, _ := v.verify(ctx, data, true)
	return r
}

// securedCredential is a parsed credential with what secures it.
type securedCredential struct {
	cred *Credential
	jwt  *parsedJWT // nil for Data Integrity
	vm   string     // verification method naming the issuer's key
}

// parseSecured reads a Data Integrity credential or a VC-JWT, also when
// baked into a PNG or SVG badge image.
func parseSecured(data []byte) (*securedCredential, string, error) {
	if IsPNG(data) || LooksLikeSVG(data) {
		kind := "an SVG"
		if IsPNG(data) {
			kind = "a PNG"
		}
		cred, err := ExtractCredential(data)
		if err != nil {
			return nil, "", fmt.Errorf("%s badge image: %w", kind, err)
		}
		if IsPNG(cred) || LooksLikeSVG(cred) {
			return nil, "", fmt.Errorf("%s badge image holds another image, not a credential", kind)
		}
		sc, format, err := parseSecured(cred)
		if err != nil {
			return nil, "", err
		}
		return sc, format + ", baked in " + kind + " image", nil
	}
	if LooksLikeJWT(data) {
		jwt, err := parseJWT(string(data))
		if err != nil {
			return nil, "", err
		}
		return &securedCredential{cred: jwt.Credential, jwt: jwt, vm: jwt.Header.Kid}, "VC-JWT (EdDSA), " + jwt.Profile, nil
	}
	cred, err := ParseCredential(data)
	if err != nil {
		return nil, "", err
	}
	if cred.Proof == nil {
		return nil, "", errors.New("the credential has no proof, so nothing shows who issued it")
	}
	format := "Data Integrity proof (" + cred.Proof.Cryptosuite + ")"
	if cred.Proof.Type != ProofTypeDataIntegrity {
		format = "Linked Data proof (" + cred.Proof.Type + ")"
	}
	return &securedCredential{cred: cred, vm: cred.Proof.VerificationMethod}, format + ", " + cred.DataModel, nil
}

// verify runs the checks; withStatus false leaves out the status check
// (used for status list credentials, which have no status of their own).
func (v *Verifier) verify(ctx context.Context, data []byte, withStatus bool) (*Report, *Credential) {
	r := &Report{CheckedAt: v.now().UTC()}
	sc, format, err := parseSecured(data)
	if err != nil {
		r.add(CheckFormat, false, "This is not a credential certlab can read: %v.", err)
		return r, nil
	}
	cred := sc.cred
	r.Format = format
	r.CredentialID, r.Issuer, r.IssuerName = cred.ID, cred.IssuerID, cred.IssuerName
	r.Subject, r.Achievement = cred.SubjectID, cred.Achievement
	if r.Achievement == "" {
		r.Achievement = cred.Name
	}

	key, keyErr := v.issuerKey(ctx, cred, sc.vm)
	if keyErr != nil {
		r.add(CheckProof, false, "The signature could not be checked because no trusted key of the issuer was found (see issuer-key).")
	} else {
		var perr error
		if sc.jwt != nil {
			perr = verifyJWTSignature(sc.jwt, key.PublicKey)
		} else if v.Contexts == nil {
			perr = errors.New("no JSON-LD contexts configured")
		} else {
			perr = v.Contexts.verifyDataIntegrity(cred.Document, cred.Proof, key.PublicKey)
		}
		if perr == nil && cred.Proof != nil && !cred.Proof.Expires.IsZero() && v.now().After(cred.Proof.Expires) {
			r.add(CheckProof, false, "The signature holds, but the issuer made it valid only until %s, which has passed.", formatDateTime(cred.Proof.Expires))
		} else if perr != nil {
			r.add(CheckProof, false, "The signature does not hold: the credential was changed after it was signed, or it was signed with another key (%v).", perr)
		} else {
			r.add(CheckProof, true, "The signature matches the credential's content: nothing in it changed since the issuer signed it.")
		}
	}
	if sc.jwt != nil {
		if err := sc.jwt.ClaimsErr; err != nil {
			r.add(CheckClaims, false, "The token's registered claims contradict the credential or lack what %s requires, so the token is invalid: %s.", sc.jwt.Profile, err)
		} else if sc.jwt.Profile == JWTProfileOpenBadges {
			r.add(CheckClaims, true, "The token's claims iss, jti, nbf%s agree with the credential's issuer, id and validity, as Open Badges 3.0 §8.2 requires.", claimList(sc.jwt.Claims))
		} else {
			r.add(CheckClaims, true, "The token's registered claims that are present agree with the credential (VC-JOSE-COSE makes them optional).")
		}
	}
	if keyErr != nil {
		r.add(CheckIssuerKey, false, "%s.", sentence(keyErr.Error()))
	} else if key.Operator {
		r.add(CheckIssuerKey, true, "The credential was checked against %s, which you vouch is the issuer's; it is not on the list of withdrawn keys.", key.Source)
	} else {
		r.add(CheckIssuerKey, true, "The signing key %s was found in %s; it belongs to the issuer and has not been withdrawn.", sc.vm, key.Source)
	}
	if keyErr == nil {
		v.classifyIssuer(r, key)
	}
	v.checkValidity(r, cred)
	if withStatus {
		v.checkStatus(ctx, r, cred)
	}
	return r, cred
}

// claimList names the optional claims a token carried, for the report.
func claimList(c jwtClaims) string {
	var b strings.Builder
	for _, n := range []string{"sub", "exp"} {
		if c.has[n] {
			b.WriteString(", " + n)
		}
	}
	return b.String()
}

// classifyIssuer says who signed and what the verifier knows of them.
func (v *Verifier) classifyIssuer(r *Report, key *ResolvedKey) {
	who := issuerLabel(r)
	if key.Operator {
		r.SignedBy = "the holder of the key you supplied, for " + who
		r.IssuerTrust = TrustOperator
		r.TrustNote = "You vouch for the key; the issuer's name is what the credential says."
		return
	}
	r.SignedBy = fmt.Sprintf("%s, with a key found in %s", who, key.Source)
	switch {
	case slices.Contains(v.OwnIssuers, r.Issuer):
		r.IssuerTrust = TrustOwn
		r.TrustNote = "This is this server's own issuer."
	case slices.Contains(v.TrustedIssuers, r.Issuer):
		r.IssuerTrust = TrustTrusted
		r.TrustNote = "This issuer is on the list of issuers this server's administrator marked as trusted."
	default:
		r.IssuerTrust = TrustUnknown
		r.TrustNote = "Unknown issuer: it is not this server's issuer and not one its administrator marked as trusted. " +
			"The signature proves only that whoever controls " + r.Issuer + " signed it; the name " +
			fmt.Sprintf("%q", r.IssuerName) + " is the issuer's own claim."
		if r.IssuerName == "" {
			r.TrustNote = "Unknown issuer: it is not this server's issuer and not one its administrator marked as trusted. " +
				"The signature proves only that whoever controls " + r.Issuer + " signed it."
		}
	}
}

// issuerKey resolves and vets the key named by vm for cred's issuer.
func (v *Verifier) issuerKey(ctx context.Context, cred *Credential, vm string) (*ResolvedKey, error) {
	if v.Keys == nil {
		return nil, errors.New("no way to find the issuer's key was configured")
	}
	key, err := v.Keys.ResolveKey(ctx, vm)
	if err != nil {
		return nil, fmt.Errorf("the issuer's key %s could not be found: %w", vm, err)
	}
	if !key.Operator && key.Controller != cred.IssuerID {
		return nil, fmt.Errorf("the key %s belongs to %s, not to the credential's issuer %s", vm, key.Controller, cred.IssuerID)
	}
	if !key.Revoked.IsZero() {
		return nil, fmt.Errorf("the issuer withdrew the key %s on %s; credentials signed with it are no longer trusted", vm, formatDateTime(key.Revoked))
	}
	if !key.Expires.IsZero() && v.now().After(key.Expires) {
		return nil, fmt.Errorf("the key %s expired on %s", vm, formatDateTime(key.Expires))
	}
	mk := EncodeMultikey(key.PublicKey)
	if slices.Contains(v.Withdrawn, vm) || slices.Contains(v.Withdrawn, mk) {
		return nil, fmt.Errorf("the key %s is on the list of withdrawn issuer keys; credentials signed with it are no longer trusted", vm)
	}
	return key, nil
}

func (v *Verifier) checkValidity(r *Report, cred *Credential) {
	now := v.now()
	switch {
	case cred.ValidFrom.IsZero():
		r.add(CheckValidFrom, true, "The credential names no start of validity (validFrom), so it is valid from when it was issued.")
	case now.Before(cred.ValidFrom):
		r.add(CheckValidFrom, false, "The credential is not valid yet: it becomes valid on %s.", formatDateTime(cred.ValidFrom))
	default:
		r.add(CheckValidFrom, true, "The credential became valid on %s.", formatDateTime(cred.ValidFrom))
	}
	switch {
	case cred.ValidUntil.IsZero():
		r.add(CheckValidUntil, true, "The credential has no end of validity (validUntil).")
	case now.After(cred.ValidUntil):
		r.add(CheckValidUntil, false, "The credential has expired: it was valid until %s.", formatDateTime(cred.ValidUntil))
	default:
		r.add(CheckValidUntil, true, "The credential is valid until %s.", formatDateTime(cred.ValidUntil))
	}
}

func (v *Verifier) checkStatus(ctx context.Context, r *Report, cred *Credential) {
	if len(cred.Status) == 0 {
		r.add(CheckStatus, true, "The credential has no status list entry (credentialStatus): its issuer gave no way to revoke it.")
		return
	}
	var held []string
	for _, e := range cred.Status {
		ok, why := v.statusHolds(ctx, cred, e)
		if !ok {
			r.add(CheckStatus, false, "%s", why)
			return
		}
		held = append(held, why)
	}
	r.add(CheckStatus, true, "%s", strings.Join(held, " "))
}

// statusHolds checks one status entry; it returns whether the credential
// is in good standing for it and why, in plain words.
func (v *Verifier) statusHolds(ctx context.Context, cred *Credential, e StatusEntry) (bool, string) {
	if e.ListCredential == "" {
		return false, fmt.Sprintf("The credential's status uses a mechanism certlab cannot check (%s).", e.Purpose)
	}
	if e.Purpose != StatusPurposeRevocation && e.Purpose != StatusPurposeSuspension {
		return false, fmt.Sprintf("The credential's status entry has purpose %q, which certlab cannot interpret.", e.Purpose)
	}
	if e.StatusSize != 1 {
		return false, fmt.Sprintf("The status entry uses %d bits per credential; certlab checks one-bit revocation and suspension lists.", e.StatusSize)
	}
	if v.Status == nil {
		return false, fmt.Sprintf("Whether the credential was %s could not be checked: no way to fetch the status list %s was configured.", pastTense(e.Purpose), e.ListCredential)
	}
	data, err := v.Status.FetchStatusList(ctx, e.ListCredential)
	if err != nil {
		return false, fmt.Sprintf("Whether the credential was %s could not be checked: the status list could not be fetched (%v).", pastTense(e.Purpose), err)
	}
	list, err := v.verifiedStatusList(ctx, cred, e, data)
	if err != nil {
		return false, fmt.Sprintf("Whether the credential was %s could not be checked: the status list %s is not trustworthy (%v).", pastTense(e.Purpose), e.ListCredential, err)
	}
	set, err := list.Get(e.ListIndex)
	if err != nil {
		return false, fmt.Sprintf("The credential's status entry points outside the status list %s: %v.", e.ListCredential, err)
	}
	if set {
		return false, fmt.Sprintf("The issuer has %s this credential: entry %d of the status list %s is set.", pastTense(e.Purpose), e.ListIndex, e.ListCredential)
	}
	return true, fmt.Sprintf("The issuer has not %s the credential (entry %d of the status list %s is clear).", pastTense(e.Purpose), e.ListIndex, e.ListCredential)
}

// verifiedStatusList parses and verifies a status list credential: signed
// by the same issuer as cred, currently valid and of the entry's purpose.
func (v *Verifier) verifiedStatusList(ctx context.Context, cred *Credential, e StatusEntry, data []byte) (*StatusList, error) {
	rep, lc := v.verify(ctx, data, false)
	for _, c := range rep.Checks {
		if !c.Passed {
			return nil, fmt.Errorf("%s: %s", c.Name, strings.TrimSuffix(c.Explanation, "."))
		}
	}
	if lc.IssuerID != cred.IssuerID {
		return nil, fmt.Errorf("it was issued by %s, not by the credential's issuer %s", lc.IssuerID, cred.IssuerID)
	}
	purpose, list, err := parseStatusListCredential(lc)
	if err != nil {
		return nil, err
	}
	if purpose != e.Purpose {
		return nil, fmt.Errorf("it is a %s list, but the entry is for %s", purpose, e.Purpose)
	}
	return list, nil
}

// sentence capitalises the first letter of an error message for a report.
func sentence(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func pastTense(purpose string) string {
	switch purpose {
	case StatusPurposeRevocation:
		return "revoked"
	case StatusPurposeSuspension:
		return "suspended"
	default:
		return purpose
	}
}
