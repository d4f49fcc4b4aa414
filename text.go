package certlab

import (
	"unicode"
	"unicode/utf8"
)

// CheckLine checks a one-line text field from a user (a name, a label): at
// most max characters, valid UTF-8, and no control characters (NUL, line
// breaks, escape sequences). Both databases then store exactly the same
// strings: PostgreSQL refuses NUL, SQLite would keep it. The error names
// the field.
func CheckLine(field, v string, max int) error {
	return checkText(field, v, max, false)
}

// CheckText is CheckLine for a multi-line field (a note, a reason): line
// breaks and tabs are allowed, other control characters are not.
func CheckText(field, v string, max int) error {
	return checkText(field, v, max, true)
}

func checkText(field, v string, max int, multiline bool) error {
	if !utf8.ValidString(v) {
		return Errorf(EINVALID, "%s is not valid UTF-8", field)
	}
	if n := utf8.RuneCountInString(v); n > max {
		return Errorf(EINVALID, "%s has %d characters; at most %d are allowed", field, n, max)
	}
	for _, r := range v {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return Errorf(EINVALID, "%s contains a control character (U+%04X)", field, r)
		}
	}
	return nil
}
