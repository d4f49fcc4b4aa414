package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// envOf returns a getenv over a map.
func envOf(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "secret")
	if err := os.WriteFile(secretFile, []byte("  a-secret-from-a-file-0123456789\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	emptyFile := filepath.Join(dir, "empty")
	if err := os.WriteFile(emptyFile, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		env   map[string]string
		check func(t *testing.T, c Config)
		err   string // part of the error; "" for none
	}{
		{name: "defaults", env: map[string]string{"HOME": "/home/ada"}, check: func(t *testing.T, c Config) {
			if c.DB != "/home/ada/.local/share/certlab/certlab.db" || c.Addr != "127.0.0.1:8080" || !c.Migrate || c.SecureCookies ||
				c.Retention != 0.9 || c.LogFormat != "text" || c.LogLevel != "info" || c.IssuerName != "certlab" || c.SMTPFrom != "certlab@localhost" {
				t.Fatalf("defaults %+v", c)
			}
		}},
		{name: "XDG data folder", env: map[string]string{"XDG_DATA_HOME": "/data"}, check: func(t *testing.T, c Config) {
			if c.DB != "/data/certlab/certlab.db" {
				t.Fatalf("db %q", c.DB)
			}
		}},
		{name: "environment over defaults", env: map[string]string{"CERTLAB_ADDR": "0.0.0.0:9000", "CERTLAB_MIGRATE": "false", "CERTLAB_RETENTION": "0.85",
			"CERTLAB_SECURE_COOKIES": "1", "CERTLAB_LOG_FORMAT": "json"}, check: func(t *testing.T, c Config) {
			if c.Addr != "0.0.0.0:9000" || c.Migrate || c.Retention != 0.85 || !c.SecureCookies || c.LogFormat != "json" {
				t.Fatalf("from the environment %+v", c)
			}
		}},
		{name: "flags over environment", args: []string{"--addr", "127.0.0.1:7000", "--migrate=true", "--secure-cookies", "--retention", "0.8"},
			env: map[string]string{"CERTLAB_ADDR": "0.0.0.0:9000", "CERTLAB_MIGRATE": "false", "CERTLAB_SECURE_COOKIES": "false", "CERTLAB_RETENTION": "not read"},
			check: func(t *testing.T, c Config) {
				if c.Addr != "127.0.0.1:7000" || !c.Migrate || !c.SecureCookies || c.Retention != 0.8 {
					t.Fatalf("flags %+v", c)
				}
			}},
		{name: "booleans as strconv reads them", env: map[string]string{"CERTLAB_SECURE_COOKIES": "TRUE", "CERTLAB_MIGRATE": "0"}, check: func(t *testing.T, c Config) {
			if !c.SecureCookies || c.Migrate {
				t.Fatalf("booleans %+v", c)
			}
		}},
		{name: "secret from a file", env: map[string]string{"CERTLAB_KEY_SECRET_FILE": secretFile}, check: func(t *testing.T, c Config) {
			if c.KeySecret != "a-secret-from-a-file-0123456789" {
				t.Fatalf("key secret %q", c.KeySecret)
			}
		}},
		{name: "not a boolean", env: map[string]string{"CERTLAB_SECURE_COOKIES": "yes"}, err: `CERTLAB_SECURE_COOKIES: "yes" is not a boolean`},
		{name: "not a boolean flag", args: []string{"--migrate=maybe"}, err: `--migrate: "maybe" is not a boolean`},
		{name: "unreadable secret file", env: map[string]string{"CERTLAB_KEY_SECRET_FILE": filepath.Join(dir, "missing")}, err: "CERTLAB_KEY_SECRET_FILE: cannot read the file it names"},
		{name: "empty secret file", env: map[string]string{"CERTLAB_KEY_SECRET_FILE": emptyFile}, err: "CERTLAB_KEY_SECRET_FILE: the file it names, " + emptyFile + ", is empty"},
		{name: "variable and its file", env: map[string]string{"CERTLAB_SMTP_PASSWORD": "x", "CERTLAB_SMTP_PASSWORD_FILE": secretFile}, err: "set CERTLAB_SMTP_PASSWORD or CERTLAB_SMTP_PASSWORD_FILE, not both"},
		{name: "short key secret", env: map[string]string{"CERTLAB_KEY_SECRET": "hunter2"}, err: "CERTLAB_KEY_SECRET: is 7 bytes; it must be at least 16"},
		{name: "retention out of range", args: []string{"--retention", "0.99"}, err: `--retention: "0.99" must be a number from 0.7 to 0.97`},
		{name: "unknown log level", env: map[string]string{"CERTLAB_LOG_LEVEL": "loud"}, err: `CERTLAB_LOG_LEVEL: "loud" must be debug, info, warn or error`},
		{name: "unknown log format", args: []string{"--log-format", "xml"}, err: `--log-format: "xml" must be text or json`},
		{name: "address without port", env: map[string]string{"CERTLAB_ADDR": "localhost"}, err: `CERTLAB_ADDR: "localhost" is not HOST:PORT`},
		{name: "base URL without scheme", args: []string{"--base-url", "certlab.example"}, err: `--base-url: "certlab.example" must be an http:// or https:// URL`},
		{name: "missing content folder", args: []string{"--content", filepath.Join(dir, "nope")}, err: "--content: stat"},
		{name: "content is a file", args: []string{"--content", secretFile}, err: "is not a folder"},
		{name: "every error at once", env: map[string]string{"CERTLAB_LOG_LEVEL": "loud", "CERTLAB_RETENTION": "2"}, err: "CERTLAB_RETENTION"},
		{name: "unknown flag", args: []string{"--colour"}, err: "flag provided but not defined: -colour"},
		{name: "stray argument", args: []string{"now"}, err: `unexpected argument "now"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := loadConfig(tt.args, envOf(tt.env))
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				if strings.Contains(err.Error(), "hunter2") {
					t.Fatalf("the error repeats the secret: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

// Help names variables and never shows their values: a database password
// or a token in the environment must not be printed.
func TestHelpShowsNoValues(t *testing.T) {
	env := map[string]string{"CERTLAB_DB": "postgres://certlab:hunter2@db.example/certlab", "CERTLAB_TOKEN": "clt_hunter2",
		"CERTLAB_KEY_SECRET": "hunter2-hunter2-hunter2", "CERTLAB_ADDR": "10.0.0.1:1234", "CERTLAB_SMTP_PASSWORD": "hunter2"}
	for _, args := range [][]string{{"serve", "--help"}, {"serve", "-h"}, {"practice", "--help"}, {"exam", "take", "--help"},
		{"migrate", "--help"}, {"user", "add", "--help"}, {"token", "create", "--help"}, {"calibrate", "--help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			var out strings.Builder
			err := run(context.Background(), args, envOf(env), strings.NewReader(""), &out, &out)
			if !errors.Is(err, flag.ErrHelp) {
				t.Fatalf("err %v, want flag.ErrHelp", err)
			}
			if strings.Contains(out.String(), "hunter2") || strings.Contains(out.String(), "10.0.0.1") {
				t.Fatalf("help prints a value from the environment:\n%s", out.String())
			}
			if !strings.Contains(out.String(), "CERTLAB_") {
				t.Fatalf("help names no variable:\n%s", out.String())
			}
		})
	}
}

// An unreadable key secret file stops serve; it never falls back to the
// generated secret beside the database.
func TestServeRefusesUnreadableKeySecretFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "certlab.db")
	env := envOf(map[string]string{"CERTLAB_KEY_SECRET_FILE": filepath.Join(dir, "missing-secret")})
	err := run(context.Background(), []string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, env, strings.NewReader(""), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "CERTLAB_KEY_SECRET_FILE") {
		t.Fatalf("serve with an unreadable secret file: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "issuer-key.secret")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a key secret was generated anyway: %v", err)
	}
}

// docRow is one row of the settings table in docs/operations.md.
type docRow struct{ flag, env, def string }

func settingsTable(t *testing.T) map[string]docRow {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "..", "docs", "operations.md"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := map[string]docRow{}
	sc := bufio.NewScanner(f)
	in := false
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "| flag | variable | default |") {
			in = true
			continue
		}
		if !in || strings.HasPrefix(line, "|---") {
			continue
		}
		if !strings.HasPrefix(line, "|") {
			if len(rows) > 0 {
				break
			}
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) != 4 {
			t.Fatalf("docs/operations.md: row %q has %d cells, want 4", line, len(cells))
		}
		r := docRow{flag: strings.Trim(strings.TrimSpace(cells[0]), "`"), env: strings.Trim(strings.TrimSpace(cells[1]), "`"), def: strings.TrimSpace(cells[2])}
		if r.flag == "—" {
			r.flag = ""
		}
		if _, dup := rows[r.env]; dup {
			t.Fatalf("docs/operations.md lists %s twice", r.env)
		}
		rows[r.env] = r
	}
	if len(rows) == 0 {
		t.Fatal("docs/operations.md has no settings table")
	}
	return rows
}

// The settings table in docs/operations.md matches the flag sets of the
// commands: every flag with its variable and default, every secret read
// only from the environment, and no row for a setting that does not exist.
func TestSettingsTable(t *testing.T) {
	rows := settingsTable(t)
	fs := flag.NewFlagSet("all", flag.ContinueOnError)
	sf := registerSettings(fs, serveSettings, clientSettings)
	byFlag := map[string]setting{}
	for _, s := range sf.list {
		byFlag[s.Flag] = s
		r, ok := rows[s.Env]
		switch {
		case !ok:
			t.Errorf("docs/operations.md does not list %s", s.Env)
		case r.flag != prefixed(s.Flag):
			t.Errorf("docs/operations.md: %s has flag %q, the code %q", s.Env, r.flag, prefixed(s.Flag))
		case r.def != s.DefaultDoc:
			t.Errorf("docs/operations.md: %s defaults to %q, the code to %q", s.Env, r.def, s.DefaultDoc)
		}
		delete(rows, s.Env)
	}
	for env := range rows {
		t.Errorf("docs/operations.md lists %s, which no command reads", env)
	}
	n := 0
	fs.VisitAll(func(f *flag.Flag) {
		n++
		if s, ok := byFlag[f.Name]; !ok || !strings.HasPrefix(s.Env, "CERTLAB_") {
			t.Errorf("flag --%s has no CERTLAB_* variable", f.Name)
		}
	})
	if n < 12 {
		t.Fatalf("only %d flags registered: the check is not reading the settings", n)
	}
}

func prefixed(flag string) string {
	if flag == "" {
		return ""
	}
	return "--" + flag
}

// FuzzLoadConfig sets one variable to arbitrary text: loadConfig must
// never panic, an error must name the variable, and an error about a
// secret must not repeat it.
// go test ./cmd/certlab -run XXX -fuzz FuzzLoadConfig -fuzztime 30s
func FuzzLoadConfig(f *testing.F) {
	for i, v := range []string{"true", "0.85", "yes", "", "localhost", "127.0.0.1:8080", "json", "loud", "https://certlab.example", "short", "x:y:z"} {
		f.Add(uint8(i), v)
	}
	f.Fuzz(func(t *testing.T, which uint8, value string) {
		s := serveSettings[int(which)%len(serveSettings)]
		if s.Env == contentSetting.Env {
			return // a path: the file system decides
		}
		_, err := loadConfig(nil, envOf(map[string]string{s.Env: value, "HOME": "/home/fuzz"}))
		if err == nil {
			return
		}
		if !strings.Contains(err.Error(), s.Env) {
			t.Fatalf("%s=%q: error %q does not name the variable", s.Env, value, err)
		}
		if s.Secret && len(value) >= 4 && strings.Contains(err.Error(), value) {
			t.Fatalf("%s: the error repeats the secret: %q", s.Env, err)
		}
	})
}
