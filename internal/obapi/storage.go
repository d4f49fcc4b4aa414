package obapi

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/ory/fosite"

	"github.com/certlab/certlab"
)

// storage is fosite's storage (clients, codes, PKCE challenges, access and
// refresh tokens) over certlab's database. fosite hands it each token's
// HMAC signature; the database keeps only the SHA-256 of that, so neither
// a token nor its signature can be read back from it.
type storage struct {
	store certlab.Store
	cfg   *fosite.Config
}

var _ fosite.Storage = (*storage)(nil)

// storedRequest is a fosite request as stored: what fosite needs back.
type storedRequest struct {
	ID                string          `json:"id"`
	RequestedAt       time.Time       `json:"requested_at"`
	ClientID          string          `json:"client_id"`
	RequestedScope    []string        `json:"requested_scope"`
	GrantedScope      []string        `json:"granted_scope"`
	RequestedAudience []string        `json:"requested_audience,omitempty"`
	GrantedAudience   []string        `json:"granted_audience,omitempty"`
	Form              url.Values      `json:"form"`
	Session           json.RawMessage `json:"session"`
}

// keptForm are the request parameters stored with a grant: never a code,
// verifier, secret or token.
var keptForm = []string{"response_type", "client_id", "redirect_uri", "scope", "state", "code_challenge", "code_challenge_method", "grant_type"}

func hashSignature(sig string) string {
	sum := sha256.Sum256([]byte(sig))
	return hex.EncodeToString(sum[:])
}

// userOf is the user a fosite session is for (its subject).
func userOf(s fosite.Session) (int64, error) {
	if s == nil {
		return 0, errors.New("no session")
	}
	id, err := strconv.ParseInt(s.GetSubject(), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("session subject %q is not a user id", s.GetSubject())
	}
	return id, nil
}

func (st *storage) save(ctx context.Context, kind, signature string, r fosite.Requester, tokenType fosite.TokenType, lifespan time.Duration) error {
	uid, err := userOf(r.GetSession())
	if err != nil {
		return fmt.Errorf("store OAuth %s: %w", kind, err)
	}
	sess, err := json.Marshal(r.GetSession())
	if err != nil {
		return fmt.Errorf("store OAuth %s: %w", kind, err)
	}
	form := url.Values{}
	for _, k := range keptForm {
		if v, ok := r.GetRequestForm()[k]; ok {
			form[k] = v
		}
	}
	sr := storedRequest{ID: r.GetID(), RequestedAt: r.GetRequestedAt(), ClientID: r.GetClient().GetID(),
		RequestedScope: r.GetRequestedScopes(), GrantedScope: r.GetGrantedScopes(),
		RequestedAudience: r.GetRequestedAudience(), GrantedAudience: r.GetGrantedAudience(), Form: form, Session: sess}
	data, err := json.Marshal(sr)
	if err != nil {
		return fmt.Errorf("store OAuth %s: %w", kind, err)
	}
	expires := r.GetSession().GetExpiresAt(tokenType)
	if expires.IsZero() {
		expires = r.GetRequestedAt().Add(lifespan)
	}
	return st.store.CreateOAuthToken(ctx, &certlab.OAuthToken{Kind: kind, Signature: hashSignature(signature), RequestID: r.GetID(),
		ClientID: r.GetClient().GetID(), UserID: uid, Active: true, Request: data, ExpiresAt: expires, CreatedAt: time.Now().UTC()})
}

// load reads a record back into a fosite request, filling session (a
// fresh default session when nil). Not found is fosite.ErrNotFound; an
// inactive record comes back with inactiveErr.
func (st *storage) load(ctx context.Context, kind, signature string, session fosite.Session, inactiveErr error) (fosite.Requester, error) {
	t, err := st.store.OAuthToken(ctx, kind, hashSignature(signature))
	if certlab.ErrorCode(err) == certlab.ENOTFOUND {
		return nil, fosite.ErrNotFound
	} else if err != nil {
		return nil, err
	}
	var sr storedRequest
	if err := json.Unmarshal(t.Request, &sr); err != nil {
		return nil, fmt.Errorf("read OAuth %s: %w", kind, err)
	}
	client, err := st.GetClient(ctx, sr.ClientID)
	if err != nil {
		return nil, err
	}
	if session == nil {
		session = &fosite.DefaultSession{}
	}
	if err := json.Unmarshal(sr.Session, session); err != nil {
		return nil, fmt.Errorf("read OAuth %s session: %w", kind, err)
	}
	req := &fosite.Request{ID: sr.ID, RequestedAt: sr.RequestedAt, Client: client, RequestedScope: sr.RequestedScope, GrantedScope: sr.GrantedScope,
		RequestedAudience: sr.RequestedAudience, GrantedAudience: sr.GrantedAudience, Form: sr.Form, Session: session}
	if !t.Active && inactiveErr != nil {
		return req, inactiveErr
	}
	return req, nil
}

func notFoundAsFosite(err error) error {
	if certlab.ErrorCode(err) == certlab.ENOTFOUND {
		return fosite.ErrNotFound
	}
	return err
}

// GetClient returns a registered client.
func (st *storage) GetClient(ctx context.Context, id string) (fosite.Client, error) {
	c, err := st.store.OAuthClient(ctx, id)
	if err != nil {
		return nil, notFoundAsFosite(err)
	}
	return clientFromStore(c)
}

// ClientAssertionJWTValid and SetClientAssertionJWT serve the
// private_key_jwt client authentication, which no client here uses: every
// client authenticates with client_secret_basic.
func (st *storage) ClientAssertionJWTValid(context.Context, string) error { return nil }

// SetClientAssertionJWT: see ClientAssertionJWTValid.
func (st *storage) SetClientAssertionJWT(context.Context, string, time.Time) error { return nil }

// CreateAuthorizeCodeSession stores an authorization code.
func (st *storage) CreateAuthorizeCodeSession(ctx context.Context, code string, r fosite.Requester) error {
	return st.save(ctx, certlab.OAuthCode, code, r, fosite.AuthorizeCode, st.cfg.AuthorizeCodeLifespan)
}

// GetAuthorizeCodeSession returns the request of a code; a used code
// comes back with fosite.ErrInvalidatedAuthorizeCode, so fosite revokes
// what was issued with it.
func (st *storage) GetAuthorizeCodeSession(ctx context.Context, code string, s fosite.Session) (fosite.Requester, error) {
	return st.load(ctx, certlab.OAuthCode, code, s, fosite.ErrInvalidatedAuthorizeCode)
}

// InvalidateAuthorizeCodeSession marks a code used.
func (st *storage) InvalidateAuthorizeCodeSession(ctx context.Context, code string) error {
	return notFoundAsFosite(st.store.DeactivateOAuthToken(ctx, certlab.OAuthCode, hashSignature(code)))
}

// CreatePKCERequestSession stores the PKCE challenge of a code.
func (st *storage) CreatePKCERequestSession(ctx context.Context, code string, r fosite.Requester) error {
	return st.save(ctx, certlab.OAuthPKCE, code, r, fosite.AuthorizeCode, st.cfg.AuthorizeCodeLifespan)
}

// GetPKCERequestSession returns the request holding a code's challenge.
func (st *storage) GetPKCERequestSession(ctx context.Context, code string, s fosite.Session) (fosite.Requester, error) {
	return st.load(ctx, certlab.OAuthPKCE, code, s, nil)
}

// DeletePKCERequestSession deletes a code's challenge once used.
func (st *storage) DeletePKCERequestSession(ctx context.Context, code string) error {
	return notFoundAsFosite(st.store.DeleteOAuthToken(ctx, certlab.OAuthPKCE, hashSignature(code)))
}

// CreateAccessTokenSession stores an access token.
func (st *storage) CreateAccessTokenSession(ctx context.Context, sig string, r fosite.Requester) error {
	return st.save(ctx, certlab.OAuthAccess, sig, r, fosite.AccessToken, st.cfg.AccessTokenLifespan)
}

// GetAccessTokenSession returns the request of an access token.
func (st *storage) GetAccessTokenSession(ctx context.Context, sig string, s fosite.Session) (fosite.Requester, error) {
	return st.load(ctx, certlab.OAuthAccess, sig, s, fosite.ErrInactiveToken)
}

// DeleteAccessTokenSession deletes an access token.
func (st *storage) DeleteAccessTokenSession(ctx context.Context, sig string) error {
	return notFoundAsFosite(st.store.DeleteOAuthToken(ctx, certlab.OAuthAccess, hashSignature(sig)))
}

// CreateRefreshTokenSession stores a refresh token.
func (st *storage) CreateRefreshTokenSession(ctx context.Context, sig string, _ string, r fosite.Requester) error {
	return st.save(ctx, certlab.OAuthRefresh, sig, r, fosite.RefreshToken, st.cfg.RefreshTokenLifespan)
}

// GetRefreshTokenSession returns the request of a refresh token; a
// rotated or revoked one comes back with fosite.ErrInactiveToken, so
// fosite treats its reuse as theft and revokes the whole grant.
func (st *storage) GetRefreshTokenSession(ctx context.Context, sig string, s fosite.Session) (fosite.Requester, error) {
	return st.load(ctx, certlab.OAuthRefresh, sig, s, fosite.ErrInactiveToken)
}

// DeleteRefreshTokenSession deletes a refresh token.
func (st *storage) DeleteRefreshTokenSession(ctx context.Context, sig string) error {
	return notFoundAsFosite(st.store.DeleteOAuthToken(ctx, certlab.OAuthRefresh, hashSignature(sig)))
}

// RotateRefreshToken retires the grant's refresh and access tokens when a
// refresh token is used; fosite then stores the new pair.
func (st *storage) RotateRefreshToken(ctx context.Context, requestID string, _ string) error {
	if err := st.RevokeRefreshToken(ctx, requestID); err != nil {
		return err
	}
	return st.RevokeAccessToken(ctx, requestID)
}

// RevokeRefreshToken deactivates the grant's refresh tokens (RFC 7009).
func (st *storage) RevokeRefreshToken(ctx context.Context, requestID string) error {
	return st.store.DeactivateOAuthRequest(ctx, certlab.OAuthRefresh, requestID)
}

// RevokeAccessToken deletes the grant's access tokens (RFC 7009).
func (st *storage) RevokeAccessToken(ctx context.Context, requestID string) error {
	return st.store.DeleteOAuthRequest(ctx, certlab.OAuthAccess, requestID)
}

// sha256Hasher keeps client secrets as SHA-256 hashes, like certlab's API
// tokens: they are 256-bit random values, so a slow hash adds nothing.
type sha256Hasher struct{}

func (sha256Hasher) Hash(_ context.Context, data []byte) ([]byte, error) {
	sum := sha256.Sum256(data)
	return []byte(hex.EncodeToString(sum[:])), nil
}

func (h sha256Hasher) Compare(ctx context.Context, hash, data []byte) error {
	got, _ := h.Hash(ctx, data)
	if subtle.ConstantTimeCompare(got, hash) != 1 {
		return errors.New("wrong client secret")
	}
	return nil
}
