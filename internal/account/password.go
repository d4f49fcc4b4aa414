package account

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/certlab/certlab"
)

// Password rules of NIST SP 800-63B (rev. 4, §3.1.1.2) for an installation
// without multi-factor authentication: length counted in characters, a
// long maximum, a check against common and breached passwords, and no
// composition rules (no "a digit and a symbol").
const (
	// MinPasswordLength is the fewest characters a password has.
	MinPasswordLength = 15
	// MaxPasswordLength is the most characters a password may have: long
	// enough for any passphrase, short enough to bound the hashing input.
	MaxPasswordLength = 128
)

//go:embed common-passwords.txt.gz
var commonGz []byte

var (
	commonOnce sync.Once
	common     map[string]struct{}
)

// commonPasswords is the list of common and breached passwords shipped
// with the binary (COMMON-PASSWORDS.md says where it comes from), in lower
// case.
func commonPasswords() map[string]struct{} {
	commonOnce.Do(func() {
		zr, err := gzip.NewReader(bytes.NewReader(commonGz))
		if err != nil {
			panic("account: the embedded password list is corrupt: " + err.Error())
		}
		common = make(map[string]struct{}, 50000)
		sc := bufio.NewScanner(zr)
		for sc.Scan() {
			if w := sc.Text(); w != "" {
				common[w] = struct{}{}
			}
		}
		if err := sc.Err(); err != nil || len(common) < 10000 {
			panic("account: the embedded password list is corrupt")
		}
	})
	return common
}

// IsCommonPassword reports whether the password is on the list of common
// and breached passwords, or is one of them with only digits and symbols
// around it ("password12345678!"), or one of them repeated.
func IsCommonPassword(password string) bool {
	list := commonPasswords()
	p := strings.ToLower(password)
	if _, ok := list[p]; ok {
		return true
	}
	core := strings.TrimFunc(p, func(r rune) bool { return !unicode.IsLetter(r) })
	if core != p && core != "" {
		if _, ok := list[core]; ok {
			return true
		}
	}
	if unit := repeatUnit(p); unit != p {
		if _, ok := list[unit]; ok {
			return true
		}
	}
	return false
}

// repeatUnit returns the shortest string that p repeats ("abcabcabc" →
// "abc"), or p.
func repeatUnit(p string) string {
	for n := 1; n <= len(p)/2; n++ {
		if len(p)%n == 0 && strings.Repeat(p[:n], len(p)/n) == p {
			return p[:n]
		}
	}
	return p
}

// CheckPassword applies the password rules to a new password; words are
// the account's own (its e-mail address and name), which the password may
// not contain. The error says which rule failed.
func CheckPassword(password string, words ...string) error {
	if !utf8.ValidString(password) {
		return certlab.Errorf(certlab.EINVALID, "password is not valid UTF-8")
	}
	n := utf8.RuneCountInString(password)
	if n < MinPasswordLength {
		return certlab.Errorf(certlab.EINVALID, "password must have at least %d characters (it has %d): a few unrelated words make a good one", MinPasswordLength, n)
	}
	if n > MaxPasswordLength {
		return certlab.Errorf(certlab.EINVALID, "password must have at most %d characters (it has %d)", MaxPasswordLength, n)
	}
	for _, r := range password {
		if unicode.IsControl(r) {
			return certlab.Errorf(certlab.EINVALID, "password contains a control character")
		}
	}
	distinct := map[rune]bool{}
	for _, r := range strings.ToLower(password) {
		distinct[r] = true
	}
	if len(distinct) < 5 {
		return certlab.Errorf(certlab.EINVALID, "password repeats too few characters (%d different): choose one that is harder to guess", len(distinct))
	}
	if IsCommonPassword(password) {
		return certlab.Errorf(certlab.EINVALID, "password is on the list of common and breached passwords: choose another")
	}
	lower := strings.ToLower(password)
	for _, w := range append(words, "certlab") {
		w = strings.ToLower(strings.TrimSpace(w))
		if local, _, ok := strings.Cut(w, "@"); ok {
			w = local
		}
		if utf8.RuneCountInString(w) >= 4 && strings.Contains(lower, w) {
			return certlab.Errorf(certlab.EINVALID, "password must not contain your name, your e-mail address or the name of this service")
		}
	}
	return nil
}
