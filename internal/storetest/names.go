package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/certlab/certlab"
)

// testCredentialNames checks the holder's choice of name on credentials:
// not found until chosen, then read back as saved, replaced by a later
// choice, and kept per user.
func testCredentialNames(t *testing.T, s certlab.Store) {
	ctx := context.Background()
	a, b := MustUser(t, s, "a@example.org"), MustUser(t, s, "b@example.org")
	_, err := s.CredentialName(ctx, a.ID)
	wantCode(t, err, certlab.ENOTFOUND)
	steps := []certlab.CredentialName{
		{UserID: a.ID, Name: "Ada L.", UpdatedAt: t0},
		{UserID: a.ID, Name: "", Hidden: true, UpdatedAt: t0.Add(time.Hour)},
		{UserID: a.ID, Name: "Ada Lovelace", UpdatedAt: t0.Add(2 * time.Hour)},
	}
	for i, want := range steps {
		if err := s.SaveCredentialName(ctx, &want); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		got, err := s.CredentialName(ctx, a.ID)
		if err != nil || *got != want {
			t.Fatalf("step %d: got %+v, %v; want %+v", i, got, err, want)
		}
	}
	if _, err := s.CredentialName(ctx, b.ID); certlab.ErrorCode(err) != certlab.ENOTFOUND {
		t.Fatalf("another user's choice leaked: %v", err)
	}
}
