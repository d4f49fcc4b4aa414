package credential

import (
	"context"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/badge"
)

// KeyStore adapts the database's issuer key rows to badge.KeyStore, so
// the keyring keeps its keys in certlab's database.
type KeyStore struct {
	Store certlab.CredentialStore
}

var _ badge.KeyStore = KeyStore{}

// IssuerKeys implements badge.KeyStore.
func (k KeyStore) IssuerKeys(ctx context.Context) ([]badge.StoredKey, error) {
	rows, err := k.Store.IssuerKeys(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]badge.StoredKey, len(rows))
	for i, r := range rows {
		out[i] = badge.StoredKey{ID: r.ID, PublicKeyMultibase: r.PublicKeyMultibase, SealedPrivateKey: r.SealedPrivateKey,
			Created: r.Created, Retired: r.Retired, Withdrawn: r.Withdrawn, WithdrawnReason: r.WithdrawnReason}
	}
	return out, nil
}

// SaveIssuerKey implements badge.KeyStore.
func (k KeyStore) SaveIssuerKey(ctx context.Context, sk badge.StoredKey) error {
	return k.Store.SaveIssuerKey(ctx, certlab.IssuerKey{ID: sk.ID, PublicKeyMultibase: sk.PublicKeyMultibase, SealedPrivateKey: sk.SealedPrivateKey,
		Created: sk.Created, Retired: sk.Retired, Withdrawn: sk.Withdrawn, WithdrawnReason: sk.WithdrawnReason})
}
