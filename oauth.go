package certlab

import (
	"context"
	"encoding/json"
	"time"
)

// OAuthClient is an application registered through OAuth 2.0 Dynamic
// Client Registration (RFC 7591) to use the Open Badges 3.0 API.
type OAuthClient struct {
	ID string
	// SecretHash is the SHA-256 of the client secret, which is shown once.
	SecretHash string
	// Metadata is the registered client metadata (RFC 7591 §2) as JSON,
	// without the secret.
	Metadata  json.RawMessage
	CreatedAt time.Time
}

// Kinds of stored OAuth 2.0 grant records.
const (
	OAuthCode    = "code"    // an authorization code
	OAuthPKCE    = "pkce"    // the PKCE challenge of an authorization code
	OAuthAccess  = "access"  // an access token
	OAuthRefresh = "refresh" // a refresh token
)

// OAuthToken is a stored authorization code, PKCE challenge, access token
// or refresh token. The token itself is never stored: Signature is a hash
// of it.
type OAuthToken struct {
	Kind      string
	Signature string
	// RequestID names the authorization it came from: the code and every
	// token obtained with it, or refreshed from them, share it.
	RequestID string
	ClientID  string
	UserID    int64
	// Active is false once a code has been used or a refresh token
	// rotated or revoked.
	Active bool
	// Request is the authorization request (scopes, form, session) as the
	// authorization server needs it back.
	Request   json.RawMessage
	ExpiresAt time.Time
	CreatedAt time.Time
}

// OAuthStore keeps registered clients and the codes and tokens of the
// OAuth 2.0 authorization server.
type OAuthStore interface {
	CreateOAuthClient(ctx context.Context, c *OAuthClient) error
	OAuthClient(ctx context.Context, id string) (*OAuthClient, error)

	// CreateOAuthToken stores t; a second record of the same kind and
	// signature is an ECONFLICT error.
	CreateOAuthToken(ctx context.Context, t *OAuthToken) error
	OAuthToken(ctx context.Context, kind, signature string) (*OAuthToken, error)
	// DeactivateOAuthToken marks one record inactive (a used code).
	DeactivateOAuthToken(ctx context.Context, kind, signature string) error
	DeleteOAuthToken(ctx context.Context, kind, signature string) error
	// DeactivateOAuthRequest marks every record of the kind from the
	// request inactive; DeleteOAuthRequest deletes them. Neither fails when
	// there is none.
	DeactivateOAuthRequest(ctx context.Context, kind, requestID string) error
	DeleteOAuthRequest(ctx context.Context, kind, requestID string) error
	// PurgeOAuthTokens deletes records that expired before the time and
	// returns how many.
	PurgeOAuthTokens(ctx context.Context, before time.Time) (int64, error)
	// OAuthSecret returns the authorization server's HMAC secret. The
	// first call stores candidate; every later call, from any server
	// sharing the database, returns that same secret.
	OAuthSecret(ctx context.Context, candidate []byte) ([]byte, error)
}

// PushedCredential is an Open Badges credential a learner pushed to
// certlab through the Open Badges 3.0 API (upsertCredential). It is queued
// for review as an external credential.
type PushedCredential struct {
	ID     int64
	UserID int64
	// ExternalID is the external credential it is reviewed as.
	ExternalID int64
	// Key identifies the credential as Open Badges compares them: its
	// issuer id and credential id.
	Key           string
	IssuerID      string
	CredentialURI string
	// Format is "json" (Data Integrity) or "jwt" (VC-JWT), as pushed.
	Format    string
	Document  []byte
	Digest    string // SHA-256 of Document
	ValidFrom *time.Time
	// Verification is certlab's verification report when it was pushed.
	Verification json.RawMessage
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// PushedCredentialStore keeps pushed credentials and the Open Badges
// profile identifiers of learners.
type PushedCredentialStore interface {
	// CreatePushedCredential stores the external credential e, then p
	// linked to it, in one transaction. A credential the user already
	// pushed (same Key) is an ECONFLICT error.
	CreatePushedCredential(ctx context.Context, p *PushedCredential, e *ExternalCredential) error
	PushedCredential(ctx context.Context, userID int64, key string) (*PushedCredential, error)
	PushedCredentialByExternal(ctx context.Context, externalID int64) (*PushedCredential, error)
	// ReplacePushedCredential writes p's document and puts its external
	// credential back into review with e's details, in one transaction.
	// It returns ECONFLICT when the stored digest is no longer fromDigest.
	ReplacePushedCredential(ctx context.Context, p *PushedCredential, e *ExternalCredential, fromDigest string) error

	// ProfileID returns the user's Open Badges profile id, storing
	// candidate the first time.
	ProfileID(ctx context.Context, userID int64, candidate string) (string, error)
	// SetUserName changes only the user's display name.
	SetUserName(ctx context.Context, userID int64, name string) error
}
