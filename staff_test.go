package certlab_test

import (
	"net/url"
	"testing"

	"github.com/certlab/certlab"
)

// FuzzParseQueries: the console's query parameters (account, credential
// and audit filters) never panic, refuse what they cannot read with an
// EINVALID error, and always give a page size within bounds.
func FuzzParseQueries(f *testing.F) {
	for _, seed := range []string{
		"", "q=ada&role=admin&state=disabled&after=12&limit=20", "after=-1", "limit=99999999999999999999",
		"actor=ada@example.org&action=user.disable&subject=user:2&from=2026-11-25&to=2026-11-26T09:00:00Z&before=300",
		"from=yesterday", "from=2026-11-26&to=2026-11-25", "actor=12", "target=attempt:3", "status=active&program=p",
		"from=2026-11-25T09:00", "q=%25_%5C", "limit=0", "before=x",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		check := func(what string, limit int, err error) {
			if err != nil {
				if certlab.ErrorCode(err) != certlab.EINVALID {
					t.Fatalf("%s %q: error %v is not EINVALID", what, raw, err)
				}
				return
			}
			if limit < 1 || limit > certlab.MaxPageSize {
				t.Fatalf("%s %q: page size %d", what, raw, limit)
			}
		}
		uq, err := certlab.ParseUserQuery(v)
		check("accounts", uq.Limit, err)
		cq, err := certlab.ParseCredentialQuery(v)
		check("credentials", cq.Limit, err)
		af, err := certlab.ParseAuditFilter(v, func(email string) (int64, error) {
			if email == "ada@example.org" {
				return 1, nil
			}
			return 0, certlab.Errorf(certlab.ENOTFOUND, "no %s", email)
		})
		check("audit", af.Limit, err)
		if err == nil && af.From != nil && af.To != nil && !af.To.After(*af.From) {
			t.Fatalf("audit %q: an empty period was accepted", raw)
		}
	})
}
