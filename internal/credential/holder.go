package credential

import (
	"context"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/certlab/certlab"
)

// maxHolderName bounds the name a holder chooses for their credentials.
const maxHolderName = 100

// HolderName is how the user is named on their credentials: their choice,
// or by default their account's name (Name empty, Hidden false).
func (s *Service) HolderName(ctx context.Context, u *certlab.User) (*certlab.CredentialName, error) {
	n, err := s.store.CredentialName(ctx, u.ID)
	if certlab.ErrorCode(err) == certlab.ENOTFOUND {
		return &certlab.CredentialName{UserID: u.ID}, nil
	}
	return n, err
}

// displayName is the name signed into the user's credentials: "" when
// they chose to show none. badge leaves out a name equal to the e-mail
// address.
func (s *Service) displayName(ctx context.Context, u *certlab.User) (string, error) {
	n, err := s.HolderName(ctx, u)
	if err != nil {
		return "", fmt.Errorf("name of user %d on credentials: %w", u.ID, err)
	}
	switch {
	case n.Hidden:
		return "", nil
	case n.Name != "":
		return n.Name, nil
	}
	return u.Name, nil
}

// SetHolderName records how the user wants to be named on their
// credentials (a name, "" for their account's name, or hidden) and signs
// their issued credentials again with it, so the documents at their URLs
// (and the public pages that show them) carry the new choice; ids, dates
// and revocation entries stay. It returns the choice and how many
// credentials were signed again.
func (s *Service) SetHolderName(ctx context.Context, u *certlab.User, name string, hidden bool) (*certlab.CredentialName, int, error) {
	name = strings.Join(strings.Fields(name), " ")
	if err := checkHolderName(name, u.Email); err != nil {
		return nil, 0, err
	}
	if hidden {
		name = ""
	}
	n := &certlab.CredentialName{UserID: u.ID, Name: name, Hidden: hidden, UpdatedAt: s.clock()}
	s.evalMu.Lock()
	defer s.evalMu.Unlock()
	if err := s.store.SaveCredentialName(ctx, n); err != nil {
		return nil, 0, err
	}
	cs, err := s.store.Credentials(ctx, certlab.CredentialFilter{UserID: &u.ID})
	if err != nil {
		return nil, 0, err
	}
	resigned := 0
	for _, c := range cs {
		if len(c.Document) == 0 || c.ValidFrom == nil {
			continue
		}
		p, err := s.catalog.Program(c.ProgramID)
		if err != nil {
			continue // a program no longer in the catalog: its document stays
		}
		nc := *c
		now := s.clock()
		nc.UpdatedAt = now
		if err := s.sign(ctx, &nc, p, u, now); err != nil {
			return n, resigned, err
		}
		if err := s.store.UpdateCredential(ctx, &nc, c.Status); err != nil {
			return n, resigned, fmt.Errorf("sign credential %s again: %w", c.PublicID, err)
		}
		resigned++
	}
	s.logger.Info("holder name on credentials changed", "user", u.ID, "hidden", hidden, "resigned", resigned)
	return n, resigned, nil
}

// checkHolderName refuses names that cannot be signed or shown: too long,
// control characters (which canonicalization refuses), or the e-mail
// address, which certlab never publishes.
func checkHolderName(name, email string) error {
	if utf8.RuneCountInString(name) > maxHolderName {
		return certlab.Errorf(certlab.EINVALID, "name: at most %d characters", maxHolderName)
	}
	if !utf8.ValidString(name) {
		return certlab.Errorf(certlab.EINVALID, "name: not valid UTF-8")
	}
	for i, r := range name {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return certlab.Errorf(certlab.EINVALID, "name: character %q at position %d cannot be shown", r, i+1)
		}
	}
	if name != "" && strings.EqualFold(name, strings.TrimSpace(email)) {
		return certlab.Errorf(certlab.EINVALID, "name: certlab never shows your e-mail address on a credential; choose a name, or hide it")
	}
	return nil
}
