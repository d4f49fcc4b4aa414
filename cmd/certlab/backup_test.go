package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// certlab backup copies a database that a server is serving; certlab
// restore puts it back, refuses to overwrite without --force, and the
// restored database has the accounts of the original.
func TestBackupAndRestoreCommands(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := filepath.Join(dir, "certlab.db")
	if out, err := runCmd(t, ctx, "a long password for ada\n", "user", "add", "ada@example.org", "--role", "admin", "--db", db); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
	startServe(t, db)
	backup := filepath.Join(dir, "backup.db")
	if out, err := runCmd(t, ctx, "", "backup", "--db", db, "--out", backup); err != nil || !strings.Contains(out, "written to") {
		t.Fatalf("backup while serving: %v %s", err, out)
	}
	if out, err := runCmd(t, ctx, "", "backup", "--db", db, "--out", backup); err == nil {
		t.Fatalf("backup over an existing file: %s", out)
	}
	restored := filepath.Join(dir, "restored.db")
	if out, err := runCmd(t, ctx, "", "restore", "--db", restored, "--from", backup); err != nil || !strings.Contains(out, "restored from") {
		t.Fatalf("restore: %v %s", err, out)
	}
	if out, err := runCmd(t, ctx, "", "restore", "--db", restored, "--from", backup); err == nil || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("restore over an existing database: %v %s", err, out)
	}
	if out, err := runCmd(t, ctx, "", "token", "create", "ada@example.org", "--db", restored, "--scopes", "read,admin"); err != nil || !strings.HasPrefix(out, "clt_") {
		t.Fatalf("the restored database lacks the account: %v %s", err, out)
	}
	if out, err := runCmd(t, ctx, "", "backup", "--db", "postgres://x@127.0.0.1/db", "--out", backup+"2"); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Fatalf("backup of PostgreSQL: %v %s", err, out)
	}
}

func TestHealthcheckCommand(t *testing.T) {
	url := startServe(t, filepath.Join(t.TempDir(), "h.db"))
	port := url[strings.LastIndex(url, ":")+1:]
	env := func(k string) string {
		if k == "CERTLAB_ADDR" {
			return "0.0.0.0:" + port
		}
		return ""
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		if err := run(context.Background(), []string{"healthcheck", "--path", path}, env, strings.NewReader(""), io.Discard, io.Discard); err != nil {
			t.Fatalf("healthcheck %s: %v", path, err)
		}
	}
	if err := run(context.Background(), []string{"healthcheck", "--path", "/nowhere"}, env, strings.NewReader(""), io.Discard, io.Discard); err == nil {
		t.Fatal("healthcheck of a missing path succeeded")
	}
}
