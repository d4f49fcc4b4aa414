package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/certlab/certlab"
)

const credentialCols = `id, public_id, user_id, program_id, status, issued_at, valid_from, valid_until, status_index, document, jwt, renewals, revoked_at, revoked_reason, created_at, updated_at`

func scanCredential(row interface{ Scan(...any) error }) (*certlab.Credential, error) {
	c := &certlab.Credential{}
	var issued, from, until, revoked sql.NullInt64
	var created, updated int64
	var doc string
	if err := row.Scan(&c.ID, &c.PublicID, &c.UserID, &c.ProgramID, &c.Status, &issued, &from, &until, &c.StatusIndex,
		&doc, &c.JWT, &c.Renewals, &revoked, &c.RevokedReason, &created, &updated); err != nil {
		return nil, err
	}
	c.IssuedAt, c.ValidFrom, c.ValidUntil, c.RevokedAt = fromNullMS(issued), fromNullMS(from), fromNullMS(until), fromNullMS(revoked)
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	if doc != "" {
		c.Document = json.RawMessage(doc)
	}
	return c, nil
}

// CreateCredential stores a new credential and sets its ID.
func (s *Store) CreateCredential(ctx context.Context, c *certlab.Credential) error {
	if c.CreatedAt.IsZero() {
		c.CreatedAt = time.Now().UTC()
	}
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = c.CreatedAt
	}
	var err error
	c.ID, err = s.insertID(ctx, s.q(`INSERT INTO credentials (public_id, user_id, program_id, status, issued_at, valid_from, valid_until, status_index, document, jwt, renewals, revoked_at, revoked_reason, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		c.PublicID, c.UserID, c.ProgramID, c.Status, msPtr(c.IssuedAt), msPtr(c.ValidFrom), msPtr(c.ValidUntil), c.StatusIndex,
		string(c.Document), c.JWT, c.Renewals, msPtr(c.RevokedAt), c.RevokedReason, ms(c.CreatedAt), ms(c.UpdatedAt))
	if err != nil {
		if s.d.IsUnique(err) {
			return certlab.Errorf(certlab.ECONFLICT, "user %d already has a credential for program %s, or status index %d is taken", c.UserID, c.ProgramID, c.StatusIndex)
		}
		return fmt.Errorf("insert credential: %w", err)
	}
	return nil
}

// Credential returns one credential.
func (s *Store) Credential(ctx context.Context, id int64) (*certlab.Credential, error) {
	c, err := scanCredential(s.db.QueryRowContext(ctx, s.q(`SELECT `+credentialCols+` FROM credentials WHERE id = ?`), id))
	return c, notFound(err, "credential %d not found", id)
}

// CredentialByPublicID returns the credential with the given public ID.
func (s *Store) CredentialByPublicID(ctx context.Context, publicID string) (*certlab.Credential, error) {
	c, err := scanCredential(s.db.QueryRowContext(ctx, s.q(`SELECT `+credentialCols+` FROM credentials WHERE public_id = ?`), publicID))
	return c, notFound(err, "credential %q not found", publicID)
}

// Credentials lists credentials matching f, oldest first.
func (s *Store) Credentials(ctx context.Context, f certlab.CredentialFilter) ([]*certlab.Credential, error) {
	var where []string
	var args []any
	if f.UserID != nil {
		where, args = append(where, "user_id = ?"), append(args, *f.UserID)
	}
	if f.ProgramID != "" {
		where, args = append(where, "program_id = ?"), append(args, f.ProgramID)
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if f.ValidUntilBefore != nil {
		where, args = append(where, "valid_until IS NOT NULL AND valid_until <= ?"), append(args, ms(*f.ValidUntilBefore))
	}
	query := `SELECT ` + credentialCols + ` FROM credentials`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	query += ` ORDER BY id`
	if f.Limit > 0 {
		query += fmt.Sprintf(` LIMIT %d`, f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("list credentials: %w", err)
	}
	defer rows.Close()
	var out []*certlab.Credential
	for rows.Next() {
		c, err := scanCredential(rows)
		if err != nil {
			return nil, fmt.Errorf("list credentials: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// UpdateCredential writes c if its status is still fromStatus.
func (s *Store) UpdateCredential(ctx context.Context, c *certlab.Credential, fromStatus string) error {
	n, err := s.exec(ctx, s.q(`UPDATE credentials SET status = ?, issued_at = ?, valid_from = ?, valid_until = ?, status_index = ?, document = ?, jwt = ?,
		renewals = ?, revoked_at = ?, revoked_reason = ?, updated_at = ? WHERE id = ? AND status = ?`),
		c.Status, msPtr(c.IssuedAt), msPtr(c.ValidFrom), msPtr(c.ValidUntil), c.StatusIndex, string(c.Document), c.JWT,
		c.Renewals, msPtr(c.RevokedAt), c.RevokedReason, ms(c.UpdatedAt), c.ID, fromStatus)
	if err != nil {
		if s.d.IsUnique(err) {
			return certlab.Errorf(certlab.ECONFLICT, "status index %d is taken", c.StatusIndex)
		}
		return fmt.Errorf("update credential %d: %w", c.ID, err)
	}
	if n == 0 {
		return certlab.Errorf(certlab.ECONFLICT, "credential %d changed meanwhile (no longer %s)", c.ID, fromStatus)
	}
	return nil
}

const externalCols = `id, user_id, credential_id, issuer, name, external_id, url, earned_at, expires_at, status, reviewed_by, reviewed_at, review_note, created_at`

func scanExternal(row interface{ Scan(...any) error }) (*certlab.ExternalCredential, error) {
	e := &certlab.ExternalCredential{}
	var earned, expires, reviewedAt, reviewedBy sql.NullInt64
	var created int64
	if err := row.Scan(&e.ID, &e.UserID, &e.CredentialID, &e.Issuer, &e.Name, &e.ExternalID, &e.URL, &earned, &expires,
		&e.Status, &reviewedBy, &reviewedAt, &e.ReviewNote, &created); err != nil {
		return nil, err
	}
	e.EarnedAt, e.ExpiresAt, e.ReviewedAt = fromNullMS(earned), fromNullMS(expires), fromNullMS(reviewedAt)
	if reviewedBy.Valid {
		e.ReviewedBy = &reviewedBy.Int64
	}
	e.CreatedAt = fromMS(created)
	return e, nil
}

func int64Ptr(p *int64) any {
	if p == nil {
		return nil
	}
	return *p
}

// CreateExternalCredential stores a declared external credential.
func (s *Store) CreateExternalCredential(ctx context.Context, e *certlab.ExternalCredential) error {
	if e.CreatedAt.IsZero() {
		e.CreatedAt = time.Now().UTC()
	}
	var err error
	e.ID, err = s.insertID(ctx, s.q(`INSERT INTO external_credentials (user_id, credential_id, issuer, name, external_id, url, earned_at, expires_at, status, reviewed_by, reviewed_at, review_note, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		e.UserID, e.CredentialID, e.Issuer, e.Name, e.ExternalID, e.URL, msPtr(e.EarnedAt), msPtr(e.ExpiresAt), e.Status,
		int64Ptr(e.ReviewedBy), msPtr(e.ReviewedAt), e.ReviewNote, ms(e.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert external credential: %w", err)
	}
	return nil
}

// ExternalCredential returns one external credential.
func (s *Store) ExternalCredential(ctx context.Context, id int64) (*certlab.ExternalCredential, error) {
	e, err := scanExternal(s.db.QueryRowContext(ctx, s.q(`SELECT `+externalCols+` FROM external_credentials WHERE id = ?`), id))
	return e, notFound(err, "external credential %d not found", id)
}

// ExternalCredentials lists external credentials matching f, oldest first.
func (s *Store) ExternalCredentials(ctx context.Context, f certlab.ExternalFilter) ([]*certlab.ExternalCredential, error) {
	var where []string
	var args []any
	if f.UserID != nil {
		where, args = append(where, "user_id = ?"), append(args, *f.UserID)
	}
	if f.Status != "" {
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	query := `SELECT ` + externalCols + ` FROM external_credentials`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	rows, err := s.db.QueryContext(ctx, s.q(query+` ORDER BY id`), args...)
	if err != nil {
		return nil, fmt.Errorf("list external credentials: %w", err)
	}
	defer rows.Close()
	var out []*certlab.ExternalCredential
	for rows.Next() {
		e, err := scanExternal(rows)
		if err != nil {
			return nil, fmt.Errorf("list external credentials: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ReviewExternalCredential records the review of a declared credential.
func (s *Store) ReviewExternalCredential(ctx context.Context, e *certlab.ExternalCredential) error {
	n, err := s.exec(ctx, s.q(`UPDATE external_credentials SET status = ?, reviewed_by = ?, reviewed_at = ?, review_note = ? WHERE id = ? AND status = ?`),
		e.Status, int64Ptr(e.ReviewedBy), msPtr(e.ReviewedAt), e.ReviewNote, e.ID, certlab.ExternalDeclared)
	if err != nil {
		return fmt.Errorf("review external credential %d: %w", e.ID, err)
	}
	if n == 0 {
		if _, err := s.ExternalCredential(ctx, e.ID); err != nil {
			return err
		}
		return certlab.Errorf(certlab.ECONFLICT, "external credential %d was already reviewed", e.ID)
	}
	return nil
}

// CreateReminder records a sent reminder, once per credential, validity
// end and threshold.
func (s *Store) CreateReminder(ctx context.Context, r *certlab.Reminder) error {
	var err error
	r.ID, err = s.insertID(ctx, s.q(`INSERT INTO reminders (credential_id, user_id, valid_until, days, message, sent_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
		r.CredentialID, r.UserID, ms(r.ValidUntil), r.Days, r.Message, ms(r.SentAt))
	if err != nil {
		if s.d.IsUnique(err) {
			return certlab.Errorf(certlab.ECONFLICT, "the %d-day reminder of credential %d was already sent", r.Days, r.CredentialID)
		}
		return fmt.Errorf("insert reminder: %w", err)
	}
	return nil
}

// Reminders lists the user's reminders, newest first.
func (s *Store) Reminders(ctx context.Context, userID int64) ([]*certlab.Reminder, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT id, credential_id, user_id, valid_until, days, message, sent_at FROM reminders WHERE user_id = ? ORDER BY sent_at DESC, id DESC`), userID)
	if err != nil {
		return nil, fmt.Errorf("list reminders: %w", err)
	}
	defer rows.Close()
	var out []*certlab.Reminder
	for rows.Next() {
		r := &certlab.Reminder{}
		var until, sent int64
		if err := rows.Scan(&r.ID, &r.CredentialID, &r.UserID, &until, &r.Days, &r.Message, &sent); err != nil {
			return nil, fmt.Errorf("list reminders: %w", err)
		}
		r.ValidUntil, r.SentAt = fromMS(until), fromMS(sent)
		out = append(out, r)
	}
	return out, rows.Err()
}

const shareCols = `id, user_id, token_hash, label, created_at, revoked_at`

func scanShare(row interface{ Scan(...any) error }) (*certlab.TranscriptShare, error) {
	sh := &certlab.TranscriptShare{}
	var created int64
	var revoked sql.NullInt64
	if err := row.Scan(&sh.ID, &sh.UserID, &sh.TokenHash, &sh.Label, &created, &revoked); err != nil {
		return nil, err
	}
	sh.CreatedAt, sh.RevokedAt = fromMS(created), fromNullMS(revoked)
	return sh, nil
}

// CreateTranscriptShare stores a new share link.
func (s *Store) CreateTranscriptShare(ctx context.Context, sh *certlab.TranscriptShare) error {
	var err error
	sh.ID, err = s.insertID(ctx, s.q(`INSERT INTO transcript_shares (user_id, token_hash, label, created_at) VALUES (?, ?, ?, ?) RETURNING id`),
		sh.UserID, sh.TokenHash, sh.Label, ms(sh.CreatedAt))
	if err != nil {
		return fmt.Errorf("insert transcript share: %w", err)
	}
	return nil
}

// TranscriptShareByHash returns the share link with the token hash, revoked or not.
func (s *Store) TranscriptShareByHash(ctx context.Context, tokenHash string) (*certlab.TranscriptShare, error) {
	sh, err := scanShare(s.db.QueryRowContext(ctx, s.q(`SELECT `+shareCols+` FROM transcript_shares WHERE token_hash = ?`), tokenHash))
	return sh, notFound(err, "transcript link not found")
}

// TranscriptShares lists the user's share links, oldest first.
func (s *Store) TranscriptShares(ctx context.Context, userID int64) ([]*certlab.TranscriptShare, error) {
	rows, err := s.db.QueryContext(ctx, s.q(`SELECT `+shareCols+` FROM transcript_shares WHERE user_id = ? ORDER BY id`), userID)
	if err != nil {
		return nil, fmt.Errorf("list transcript shares: %w", err)
	}
	defer rows.Close()
	var out []*certlab.TranscriptShare
	for rows.Next() {
		sh, err := scanShare(rows)
		if err != nil {
			return nil, fmt.Errorf("list transcript shares: %w", err)
		}
		out = append(out, sh)
	}
	return out, rows.Err()
}

// RevokeTranscriptShare revokes one of the user's share links.
func (s *Store) RevokeTranscriptShare(ctx context.Context, userID, id int64, at time.Time) error {
	n, err := s.exec(ctx, s.q(`UPDATE transcript_shares SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL`), ms(at), id, userID)
	if err != nil {
		return fmt.Errorf("revoke transcript share %d: %w", id, err)
	}
	if n == 0 {
		return certlab.Errorf(certlab.ENOTFOUND, "transcript link %d not found or already revoked", id)
	}
	return nil
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMilli()
}

func timeOrZero(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMS(v.Int64)
}

// IssuerKeys returns every stored issuer key.
func (s *Store) IssuerKeys(ctx context.Context) ([]certlab.IssuerKey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, public_key_multibase, sealed_private_key, created_at, retired_at, withdrawn_at, withdrawn_reason FROM issuer_keys ORDER BY created_at, id`)
	if err != nil {
		return nil, fmt.Errorf("list issuer keys: %w", err)
	}
	defer rows.Close()
	var out []certlab.IssuerKey
	for rows.Next() {
		var k certlab.IssuerKey
		var created int64
		var retired, withdrawn sql.NullInt64
		if err := rows.Scan(&k.ID, &k.PublicKeyMultibase, &k.SealedPrivateKey, &created, &retired, &withdrawn, &k.WithdrawnReason); err != nil {
			return nil, fmt.Errorf("list issuer keys: %w", err)
		}
		if len(k.SealedPrivateKey) == 0 {
			k.SealedPrivateKey = nil
		}
		k.Created, k.Retired, k.Withdrawn = fromMS(created), timeOrZero(retired), timeOrZero(withdrawn)
		out = append(out, k)
	}
	return out, rows.Err()
}

// SaveIssuerKey inserts or replaces an issuer key.
func (s *Store) SaveIssuerKey(ctx context.Context, k certlab.IssuerKey) error {
	var sealed any
	if len(k.SealedPrivateKey) > 0 {
		sealed = k.SealedPrivateKey
	}
	_, err := s.exec(ctx, s.q(`INSERT INTO issuer_keys (id, public_key_multibase, sealed_private_key, created_at, retired_at, withdrawn_at, withdrawn_reason)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET public_key_multibase = excluded.public_key_multibase, sealed_private_key = excluded.sealed_private_key,
		created_at = excluded.created_at, retired_at = excluded.retired_at, withdrawn_at = excluded.withdrawn_at, withdrawn_reason = excluded.withdrawn_reason`),
		k.ID, k.PublicKeyMultibase, sealed, ms(k.Created), nullTime(k.Retired), nullTime(k.Withdrawn), k.WithdrawnReason)
	if err != nil {
		return fmt.Errorf("save issuer key %s: %w", k.ID, err)
	}
	return nil
}

// CredentialName returns the user's choice of name on credentials.
func (s *Store) CredentialName(ctx context.Context, userID int64) (*certlab.CredentialName, error) {
	n := &certlab.CredentialName{UserID: userID}
	var updated int64
	err := s.db.QueryRowContext(ctx, s.q(`SELECT name, hidden, updated_at FROM credential_names WHERE user_id = ?`), userID).Scan(&n.Name, &n.Hidden, &updated)
	if err != nil {
		return nil, notFound(err, "user %d has not chosen a name for credentials", userID)
	}
	n.UpdatedAt = fromMS(updated)
	return n, nil
}

// SaveCredentialName stores the user's choice of name on credentials.
func (s *Store) SaveCredentialName(ctx context.Context, n *certlab.CredentialName) error {
	_, err := s.exec(ctx, s.q(`INSERT INTO credential_names (user_id, name, hidden, updated_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET name = excluded.name, hidden = excluded.hidden, updated_at = excluded.updated_at`),
		n.UserID, n.Name, n.Hidden, ms(n.UpdatedAt))
	if err != nil {
		return fmt.Errorf("save credential name of user %d: %w", n.UserID, err)
	}
	return nil
}
