package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/certlab/certlab"
)

// The Open Badges 3.0 API's storage: OAuth 2.0 clients and tokens, pushed
// credentials and profile ids (migration 040).

// CreateOAuthClient stores a registered client.
func (s *Store) CreateOAuthClient(ctx context.Context, c *certlab.OAuthClient) error {
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now().UTC()
	}
	_, err := s.exec(ctx, s.q(`INSERT INTO oauth_clients (id, secret_hash, metadata, created_at) VALUES (?, ?, ?, ?)`),
		c.ID, c.SecretHash, string(c.Metadata), ms(c.CreatedAt))
	if err != nil {
		if s.d.IsUnique(err) {
			return certlab.Errorf(certlab.ECONFLICT, "OAuth client %q already exists", c.ID)
		}
		return fmt.Errorf("insert OAuth client: %w", err)
	}
	return nil
}

// OAuthClient returns a registered client.
func (s *Store) OAuthClient(ctx context.Context, id string) (*certlab.OAuthClient, error) {
	c := &certlab.OAuthClient{ID: id}
	var meta string
	var created int64
	err := s.db.QueryRowContext(ctx, s.q(`SELECT secret_hash, metadata, created_at FROM oauth_clients WHERE id = ?`), id).Scan(&c.SecretHash, &meta, &created)
	if err != nil {
		return nil, notFound(err, "OAuth client %q not found", id)
	}
	c.Metadata, c.CreatedAt = []byte(meta), fromMS(created)
	return c, nil
}

// CreateOAuthToken stores a code, PKCE challenge, access or refresh token.
func (s *Store) CreateOAuthToken(ctx context.Context, t *certlab.OAuthToken) error {
	if t.CreatedAt.IsZero() {
		t.CreatedAt = time.Now().UTC()
	}
	_, err := s.exec(ctx, s.q(`INSERT INTO oauth_tokens (kind, signature, request_id, client_id, user_id, active, request, expires_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		t.Kind, t.Signature, t.RequestID, t.ClientID, t.UserID, t.Active, string(t.Request), ms(t.ExpiresAt), ms(t.CreatedAt))
	if err != nil {
		if s.d.IsUnique(err) {
			return certlab.Errorf(certlab.ECONFLICT, "OAuth %s record already stored", t.Kind)
		}
		return fmt.Errorf("insert OAuth %s: %w", t.Kind, err)
	}
	return nil
}

// OAuthToken returns the record of the kind with the signature.
func (s *Store) OAuthToken(ctx context.Context, kind, signature string) (*certlab.OAuthToken, error) {
	t := &certlab.OAuthToken{Kind: kind, Signature: signature}
	var req string
	var expires, created int64
	err := s.db.QueryRowContext(ctx, s.q(`SELECT request_id, client_id, user_id, active, request, expires_at, created_at FROM oauth_tokens WHERE kind = ? AND signature = ?`),
		kind, signature).Scan(&t.RequestID, &t.ClientID, &t.UserID, &t.Active, &req, &expires, &created)
	if err != nil {
		return nil, notFound(err, "no such OAuth %s", kind)
	}
	t.Request, t.ExpiresAt, t.CreatedAt = []byte(req), fromMS(expires), fromMS(created)
	return t, nil
}

func (s *Store) execOne(ctx context.Context, what, query string, args ...any) error {
	n, err := s.exec(ctx, s.q(query), args...)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	} else if n == 0 {
		return certlab.Errorf(certlab.ENOTFOUND, "%s: not found", what)
	}
	return nil
}

// DeactivateOAuthToken marks one record inactive.
func (s *Store) DeactivateOAuthToken(ctx context.Context, kind, signature string) error {
	return s.execOne(ctx, "deactivate OAuth "+kind, `UPDATE oauth_tokens SET active = FALSE WHERE kind = ? AND signature = ?`, kind, signature)
}

// DeleteOAuthToken deletes one record.
func (s *Store) DeleteOAuthToken(ctx context.Context, kind, signature string) error {
	return s.execOne(ctx, "delete OAuth "+kind, `DELETE FROM oauth_tokens WHERE kind = ? AND signature = ?`, kind, signature)
}

// DeactivateOAuthRequest marks every record of the kind from the request
// inactive.
func (s *Store) DeactivateOAuthRequest(ctx context.Context, kind, requestID string) error {
	if _, err := s.exec(ctx, s.q(`UPDATE oauth_tokens SET active = FALSE WHERE request_id = ? AND kind = ?`), requestID, kind); err != nil {
		return fmt.Errorf("deactivate OAuth %s of a request: %w", kind, err)
	}
	return nil
}

// DeleteOAuthRequest deletes every record of the kind from the request.
func (s *Store) DeleteOAuthRequest(ctx context.Context, kind, requestID string) error {
	if _, err := s.exec(ctx, s.q(`DELETE FROM oauth_tokens WHERE request_id = ? AND kind = ?`), requestID, kind); err != nil {
		return fmt.Errorf("delete OAuth %s of a request: %w", kind, err)
	}
	return nil
}

// PurgeOAuthTokens deletes the records that expired before the time.
func (s *Store) PurgeOAuthTokens(ctx context.Context, before time.Time) (int64, error) {
	n, err := s.exec(ctx, s.q(`DELETE FROM oauth_tokens WHERE expires_at < ?`), ms(before))
	if err != nil {
		return 0, fmt.Errorf("purge OAuth tokens: %w", err)
	}
	return n, nil
}

// OAuthSecret returns the stored HMAC secret, storing candidate if there
// is none yet; concurrent first calls agree on one.
func (s *Store) OAuthSecret(ctx context.Context, candidate []byte) ([]byte, error) {
	if len(candidate) == 0 {
		return nil, errors.New("OAuth secret: empty candidate")
	}
	if _, err := s.exec(ctx, s.q(`INSERT INTO oauth_secrets (id, secret, created_at) VALUES (1, ?, ?) ON CONFLICT (id) DO NOTHING`),
		candidate, ms(time.Now())); err != nil {
		return nil, fmt.Errorf("store OAuth secret: %w", err)
	}
	var secret []byte
	if err := s.db.QueryRowContext(ctx, `SELECT secret FROM oauth_secrets WHERE id = 1`).Scan(&secret); err != nil {
		return nil, fmt.Errorf("read OAuth secret: %w", err)
	}
	return secret, nil
}

const pushedCols = `id, user_id, external_id, cred_key, issuer_id, credential_uri, format, document, digest, valid_from, verification, created_at, updated_at`

func scanPushed(row interface{ Scan(...any) error }) (*certlab.PushedCredential, error) {
	p := &certlab.PushedCredential{}
	var doc, report string
	var from sql.NullInt64
	var created, updated int64
	if err := row.Scan(&p.ID, &p.UserID, &p.ExternalID, &p.Key, &p.IssuerID, &p.CredentialURI, &p.Format, &doc, &p.Digest, &from, &report, &created, &updated); err != nil {
		return nil, err
	}
	p.Document, p.Verification = []byte(doc), []byte(report)
	p.ValidFrom, p.CreatedAt, p.UpdatedAt = fromNullMS(from), fromMS(created), fromMS(updated)
	return p, nil
}

// CreatePushedCredential stores the external credential and the pushed
// document linked to it in one transaction.
func (s *Store) CreatePushedCredential(ctx context.Context, p *certlab.PushedCredential, e *certlab.ExternalCredential) error {
	now := time.Now().UTC()
	if e.CreatedAt.IsZero() {
		e.CreatedAt = now
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = e.CreatedAt
	}
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = p.CreatedAt
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, s.q(`INSERT INTO external_credentials (user_id, credential_id, issuer, name, external_id, url, earned_at, expires_at, status, reviewed_by, reviewed_at, review_note, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			e.UserID, e.CredentialID, e.Issuer, e.Name, e.ExternalID, e.URL, msPtr(e.EarnedAt), msPtr(e.ExpiresAt), e.Status,
			int64Ptr(e.ReviewedBy), msPtr(e.ReviewedAt), e.ReviewNote, ms(e.CreatedAt)).Scan(&e.ID); err != nil {
			return fmt.Errorf("insert external credential: %w", err)
		}
		p.ExternalID = e.ID
		err := tx.QueryRowContext(ctx, s.q(`INSERT INTO pushed_credentials (user_id, external_id, cred_key, issuer_id, credential_uri, format, document, digest, valid_from, verification, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
			p.UserID, p.ExternalID, p.Key, p.IssuerID, p.CredentialURI, p.Format, string(p.Document), p.Digest, msPtr(p.ValidFrom),
			string(p.Verification), ms(p.CreatedAt), ms(p.UpdatedAt)).Scan(&p.ID)
		if err != nil {
			if s.d.IsUnique(err) {
				return certlab.Errorf(certlab.ECONFLICT, "user %d already pushed this credential", p.UserID)
			}
			return fmt.Errorf("insert pushed credential: %w", err)
		}
		return nil
	})
}

// PushedCredential returns the credential the user pushed under key.
func (s *Store) PushedCredential(ctx context.Context, userID int64, key string) (*certlab.PushedCredential, error) {
	p, err := scanPushed(s.db.QueryRowContext(ctx, s.q(`SELECT `+pushedCols+` FROM pushed_credentials WHERE user_id = ? AND cred_key = ?`), userID, key))
	return p, notFound(err, "no pushed credential of user %d with that issuer and id", userID)
}

// PushedCredentialByExternal returns the pushed document of an external
// credential.
func (s *Store) PushedCredentialByExternal(ctx context.Context, externalID int64) (*certlab.PushedCredential, error) {
	p, err := scanPushed(s.db.QueryRowContext(ctx, s.q(`SELECT `+pushedCols+` FROM pushed_credentials WHERE external_id = ?`), externalID))
	return p, notFound(err, "external credential %d was not pushed through the Open Badges API", externalID)
}

// ReplacePushedCredential writes the new document and puts the external
// credential back into review, if the stored digest is still fromDigest.
func (s *Store) ReplacePushedCredential(ctx context.Context, p *certlab.PushedCredential, e *certlab.ExternalCredential, fromDigest string) error {
	if p.UpdatedAt.IsZero() {
		p.UpdatedAt = time.Now().UTC()
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.q(`UPDATE pushed_credentials SET format = ?, document = ?, digest = ?, valid_from = ?, verification = ?, updated_at = ?
			WHERE id = ? AND digest = ?`),
			p.Format, string(p.Document), p.Digest, msPtr(p.ValidFrom), string(p.Verification), ms(p.UpdatedAt), p.ID, fromDigest)
		if err != nil {
			return fmt.Errorf("update pushed credential: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return certlab.Errorf(certlab.ECONFLICT, "pushed credential %d changed meanwhile", p.ID)
		}
		_, err = tx.ExecContext(ctx, s.q(`UPDATE external_credentials SET credential_id = ?, issuer = ?, name = ?, external_id = ?, url = ?, earned_at = ?, expires_at = ?,
			status = ?, reviewed_by = NULL, reviewed_at = NULL, review_note = '' WHERE id = ?`),
			e.CredentialID, e.Issuer, e.Name, e.ExternalID, e.URL, msPtr(e.EarnedAt), msPtr(e.ExpiresAt), certlab.ExternalDeclared, p.ExternalID)
		if err != nil {
			return fmt.Errorf("return external credential %d to review: %w", p.ExternalID, err)
		}
		e.ID, e.Status, e.ReviewedBy, e.ReviewedAt, e.ReviewNote = p.ExternalID, certlab.ExternalDeclared, nil, nil, ""
		return nil
	})
}

// ProfileID returns the user's profile id, storing candidate the first time.
func (s *Store) ProfileID(ctx context.Context, userID int64, candidate string) (string, error) {
	if _, err := s.exec(ctx, s.q(`INSERT INTO ob_profiles (user_id, profile_id) VALUES (?, ?) ON CONFLICT (user_id) DO NOTHING`), userID, candidate); err != nil {
		return "", fmt.Errorf("store profile id of user %d: %w", userID, err)
	}
	var id string
	if err := s.db.QueryRowContext(ctx, s.q(`SELECT profile_id FROM ob_profiles WHERE user_id = ?`), userID).Scan(&id); err != nil {
		return "", fmt.Errorf("read profile id of user %d: %w", userID, err)
	}
	return id, nil
}

// SetUserName changes the user's display name.
func (s *Store) SetUserName(ctx context.Context, userID int64, name string) error {
	return s.execOne(ctx, fmt.Sprintf("set the name of user %d", userID), `UPDATE users SET name = ? WHERE id = ?`, name, userID)
}
