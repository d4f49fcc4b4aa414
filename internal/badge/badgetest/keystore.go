// Package badgetest holds the contract tests that every badge.KeyStore
// implementation must pass, so the server's database adapters and the
// in-memory store are held to the same behaviour.
package badgetest

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/certlab/certlab/internal/badge"
)

// TestKeyStore runs the KeyStore contract against stores made by newStore,
// each fresh and empty.
func TestKeyStore(t *testing.T, newStore func(t *testing.T) badge.KeyStore) {
	t.Helper()
	ctx := context.Background()
	created := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	key := func(id string) badge.StoredKey {
		return badge.StoredKey{
			ID:                 "https://certlab.example/issuer#" + id,
			PublicKeyMultibase: id,
			SealedPrivateKey:   []byte("sealed-" + id),
			Created:            created,
		}
	}

	t.Run("empty store lists nothing", func(t *testing.T) {
		keys, err := newStore(t).IssuerKeys(ctx)
		if err != nil {
			t.Fatalf("IssuerKeys: %v", err)
		}
		if len(keys) != 0 {
			t.Fatalf("fresh store holds %d keys", len(keys))
		}
	})

	t.Run("saved keys are listed with every field", func(t *testing.T) {
		s := newStore(t)
		a, b := key("a"), key("b")
		b.Retired = created.Add(time.Hour)
		b.Withdrawn = created.Add(2 * time.Hour)
		b.WithdrawnReason = "compromised"
		b.SealedPrivateKey = nil
		for _, k := range []badge.StoredKey{a, b} {
			if err := s.SaveIssuerKey(ctx, k); err != nil {
				t.Fatalf("SaveIssuerKey(%s): %v", k.ID, err)
			}
		}
		got := byID(t, s)
		if len(got) != 2 {
			t.Fatalf("store lists %d keys, want 2", len(got))
		}
		for _, want := range []badge.StoredKey{a, b} {
			assertKey(t, got[want.ID], want)
		}
	})

	t.Run("saving the same id replaces the key", func(t *testing.T) {
		s := newStore(t)
		a := key("a")
		if err := s.SaveIssuerKey(ctx, a); err != nil {
			t.Fatal(err)
		}
		a.Retired = created.Add(time.Hour)
		a.SealedPrivateKey = nil
		if err := s.SaveIssuerKey(ctx, a); err != nil {
			t.Fatal(err)
		}
		got := byID(t, s)
		if len(got) != 1 {
			t.Fatalf("store lists %d keys after an update, want 1", len(got))
		}
		assertKey(t, got[a.ID], a)
	})

	t.Run("callers cannot alter stored keys", func(t *testing.T) {
		s := newStore(t)
		a := key("a")
		if err := s.SaveIssuerKey(ctx, a); err != nil {
			t.Fatal(err)
		}
		a.SealedPrivateKey[0] = 'X'
		keys, err := s.IssuerKeys(ctx)
		if err != nil || len(keys) != 1 {
			t.Fatalf("IssuerKeys = %d keys, %v", len(keys), err)
		}
		if keys[0].SealedPrivateKey[0] != 's' {
			t.Fatal("changing the caller's slice changed the stored key")
		}
	})
}

func byID(t *testing.T, s badge.KeyStore) map[string]badge.StoredKey {
	t.Helper()
	keys, err := s.IssuerKeys(context.Background())
	if err != nil {
		t.Fatalf("IssuerKeys: %v", err)
	}
	m := make(map[string]badge.StoredKey, len(keys))
	for _, k := range keys {
		m[k.ID] = k
	}
	return m
}

func assertKey(t *testing.T, got, want badge.StoredKey) {
	t.Helper()
	if got.ID != want.ID || got.PublicKeyMultibase != want.PublicKeyMultibase ||
		!bytes.Equal(got.SealedPrivateKey, want.SealedPrivateKey) ||
		!got.Created.Equal(want.Created) || !got.Retired.Equal(want.Retired) ||
		!got.Withdrawn.Equal(want.Withdrawn) || got.WithdrawnReason != want.WithdrawnReason {
		t.Errorf("stored key = %+v\nwant %+v", got, want)
	}
}
