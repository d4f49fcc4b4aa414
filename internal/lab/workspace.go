package lab

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Workspace is a lab's working folder on disk: the candidate's copy, or a
// submission unpacked on the server.
type Workspace struct {
	Dir string
	// Server is set when grading a submission on the server: no check
	// that executes workspace content runs.
	Server bool
	// hooks is an empty folder used as core.hooksPath, so no hook of the
	// workspace ever runs.
	hooks string
	// lab is the lab being graded, for files it ships (advisory
	// snapshots, rule tests) that the candidate does not edit.
	lab *Lab
}

// MetaDir is the workspace's own folder for certlab (lab id, local
// remotes); git ignores it through .git/info/exclude.
const MetaDir = ".certlab"

// Meta is what certlab records in a workspace.
type Meta struct {
	Lab       string    `json:"lab"`
	StartedAt time.Time `json:"started_at"`
	Setup     string    `json:"setup,omitempty"` // the commit the scripted history ends on
}

// ReadMeta reads the workspace's record, if it has one.
func (ws *Workspace) ReadMeta() (*Meta, error) {
	b, err := os.ReadFile(filepath.Join(ws.Dir, MetaDir, "lab.json"))
	if err != nil {
		return nil, err
	}
	var m Meta
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s/lab.json: %w", MetaDir, err)
	}
	return &m, nil
}

func (ws *Workspace) writeMeta(m *Meta) error {
	if err := os.MkdirAll(filepath.Join(ws.Dir, MetaDir), 0o755); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	return os.WriteFile(filepath.Join(ws.Dir, MetaDir, "lab.json"), append(b, '\n'), 0o644)
}

// HasGit reports whether the workspace is a git repository.
func (ws *Workspace) HasGit() bool {
	st, err := os.Stat(filepath.Join(ws.Dir, ".git"))
	return err == nil && st.IsDir()
}

// Path returns the absolute path of a workspace-relative slash path.
func (ws *Workspace) Path(rel string) string { return filepath.Join(ws.Dir, filepath.FromSlash(rel)) }

// ReadFile reads a workspace file, refusing paths that leave it.
func (ws *Workspace) ReadFile(rel string) ([]byte, error) {
	if !safeRelPath(rel) {
		return nil, fmt.Errorf("path %q is outside the workspace", rel)
	}
	p := ws.Path(rel)
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return nil, err
	}
	root, err := filepath.EvalSymlinks(ws.Dir)
	if err != nil {
		return nil, err
	}
	if real != root && !strings.HasPrefix(real, root+string(filepath.Separator)) {
		return nil, fmt.Errorf("%s points outside the workspace", rel)
	}
	return os.ReadFile(real)
}

// Glob lists workspace files matching a slash pattern (path.Match
// syntax, with ** for any number of folders), sorted; .git and .certlab
// are never listed.
func (ws *Workspace) Glob(pattern string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(ws.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(ws.Dir, p)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == ".git" || rel == MetaDir || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		if globMatch(pattern, rel) {
			out = append(out, rel)
		}
		return nil
	})
	sort.Strings(out)
	return out, err
}

// globMatch matches a slash path against a pattern where ** spans folders.
func globMatch(pattern, name string) bool {
	if !strings.Contains(pattern, "**") {
		ok, _ := path.Match(pattern, name)
		return ok
	}
	parts := strings.SplitN(pattern, "**", 2)
	prefix, rest := parts[0], strings.TrimPrefix(parts[1], "/")
	if !strings.HasPrefix(name, prefix) {
		return false
	}
	tail := strings.TrimPrefix(name, prefix)
	segs := strings.Split(tail, "/")
	for i := range segs {
		if globMatch(rest, strings.Join(segs[i:], "/")) {
			return true
		}
	}
	return false
}

// gitEnv is the environment every git command of certlab runs in: no
// system or global configuration, no prompts, no replace refs, a fixed
// locale; HOME points at the hooks folder so nothing of the user's is read.
func (ws *Workspace) gitEnv() []string {
	env := []string{"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=" + os.DevNull, "GIT_TERMINAL_PROMPT=0",
		"GIT_NO_REPLACE_OBJECTS=1", "GIT_OPTIONAL_LOCKS=0", "LC_ALL=C", "HOME=" + ws.hooksDir(), "GIT_ATTR_NOSYSTEM=1",
		// A workspace without .git never reaches a repository around it.
		"GIT_CEILING_DIRECTORIES=" + filepath.Dir(ws.Dir)}
	if p := os.Getenv("PATH"); p != "" {
		env = append(env, "PATH="+p)
	}
	return env
}

func (ws *Workspace) hooksDir() string {
	if ws.hooks == "" {
		ws.hooks = filepath.Join(os.TempDir(), "certlab-nohooks")
		_ = os.MkdirAll(ws.hooks, 0o755)
	}
	return ws.hooks
}

// safeGitArgs neutralise every configuration that makes git run a program
// (hooks, fsmonitor, external diff, text conversion, pagers, credential
// helpers, ssh); command-line settings win over the repository's config.
func (ws *Workspace) safeGitArgs() []string {
	return []string{"-c", "core.hooksPath=" + ws.hooksDir(), "-c", "core.fsmonitor=false", "-c", "core.pager=cat",
		"-c", "diff.external=", "-c", "credential.helper=", "-c", "core.sshCommand=false", "-c", "core.askPass=",
		"-c", "protocol.ext.allow=never", "-c", "safe.directory=*", "-c", "core.quotePath=false"}
}

// Git runs a read-only git command in the workspace and returns its
// standard output.
func (ws *Workspace) Git(ctx context.Context, args ...string) (string, error) {
	return ws.git(ctx, nil, args...)
}

func (ws *Workspace) git(ctx context.Context, extraEnv []string, args ...string) (string, error) {
	return ws.gitRun(ctx, extraEnv, "", args...)
}

// gitStdin runs a git command with text on its standard input.
func (ws *Workspace) gitStdin(ctx context.Context, stdin string, args ...string) (string, error) {
	return ws.gitRun(ctx, nil, stdin, args...)
}

func (ws *Workspace) gitRun(ctx context.Context, extraEnv []string, stdin string, args ...string) (string, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return "", errors.New("git is not installed: labs need the git command")
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "git", append(append(ws.safeGitArgs(), "-C", ws.Dir), args...)...)
	cmd.Env = append(ws.gitEnv(), extraEnv...)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return out.String(), fmt.Errorf("git %s: %s", args[0], msg)
	}
	return out.String(), nil
}

// Start builds a lab's starting workspace in dir, which must not exist or
// be empty: the setup files, then the scripted git history (with fixed
// authors and dates, so the same lab always gives the same commits).
func Start(ctx context.Context, l *Lab, dir string) (*Workspace, error) {
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		return nil, fmt.Errorf("%s is not empty: choose an empty folder, or reset the lab there", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	ws := &Workspace{Dir: abs}
	if l.Setup.Files != "" {
		if err := copyTree(l.fsys, path.Join(l.Dir, l.Setup.Files), abs); err != nil {
			return nil, fmt.Errorf("lab %s: copy setup files: %w", l.ID, err)
		}
	}
	meta := &Meta{Lab: l.ID, StartedAt: time.Now().UTC()}
	if len(l.Setup.Git) > 0 {
		head, err := runGitScript(ctx, l, ws)
		if err != nil {
			return nil, fmt.Errorf("lab %s: set up git history: %w", l.ID, err)
		}
		meta.Setup = head
	}
	if err := ws.writeMeta(meta); err != nil {
		return nil, err
	}
	return ws, nil
}

// setupEpoch is the date of the first scripted commit; each step moves the
// clock on by an hour.
var setupEpoch = time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)

const setupAuthor = "Lab Setup <lab@certlab.invalid>"

func runGitScript(ctx context.Context, l *Lab, ws *Workspace) (string, error) {
	clock := setupEpoch
	env := func(author string) []string {
		if author == "" {
			author = setupAuthor
		}
		name, email, _ := strings.Cut(author, "<")
		name, email = strings.TrimSpace(name), strings.TrimSuffix(strings.TrimSpace(email), ">")
		date := clock.Format(time.RFC3339)
		return []string{"GIT_AUTHOR_NAME=" + name, "GIT_AUTHOR_EMAIL=" + email, "GIT_AUTHOR_DATE=" + date,
			"GIT_COMMITTER_NAME=" + name, "GIT_COMMITTER_EMAIL=" + email, "GIT_COMMITTER_DATE=" + date}
	}
	run := func(author string, args ...string) error {
		_, err := ws.git(ctx, env(author), args...)
		return err
	}
	if err := run("", "init", "-q", "-b", "main"); err != nil {
		return "", err
	}
	if err := os.MkdirAll(filepath.Join(ws.Dir, ".git", "info"), 0o755); err != nil {
		return "", err
	}
	if err := os.WriteFile(filepath.Join(ws.Dir, ".git", "info", "exclude"), []byte(MetaDir+"/\n"), 0o644); err != nil {
		return "", err
	}
	for _, s := range l.Setup.Git {
		clock = clock.Add(time.Hour)
		var err error
		switch {
		case s.Commit != nil:
			err = scriptCommit(ctx, l, ws, s.Commit, run)
		case s.Branch != "":
			err = run("", "branch", s.Branch)
		case s.Checkout != "":
			err = run("", "checkout", "-q", s.Checkout)
		case s.Tag != nil:
			if s.Tag.Message != "" {
				err = run("", "tag", "-a", s.Tag.Name, "-m", s.Tag.Message)
			} else {
				err = run("", "tag", s.Tag.Name)
			}
		case s.Merge != nil:
			args := []string{"merge", "-q", "--no-edit"}
			if s.Merge.NoFF {
				args = append(args, "--no-ff")
			}
			if s.Merge.Message != "" {
				args = append(args, "-m", s.Merge.Message)
			}
			err = run("", append(args, s.Merge.Branch)...)
		case s.Remote != "":
			err = scriptRemote(ctx, ws, s.Remote, run)
		}
		if err != nil {
			return "", fmt.Errorf("%s:%d: %w", l.File, s.Line, err)
		}
	}
	head, err := ws.Git(ctx, "rev-parse", "HEAD")
	return strings.TrimSpace(head), err
}

func scriptCommit(ctx context.Context, l *Lab, ws *Workspace, c *CommitStep, run func(string, ...string) error) error {
	if c.From != "" {
		if err := copyTree(l.fsys, path.Join(l.Dir, c.From), ws.Dir); err != nil {
			return err
		}
	}
	names := make([]string, 0, len(c.Files))
	for name := range c.Files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		p := ws.Path(name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, []byte(c.Files[name]), 0o644); err != nil {
			return err
		}
	}
	for _, name := range c.Delete {
		if err := os.RemoveAll(ws.Path(name)); err != nil {
			return err
		}
	}
	if err := run(c.Author, "add", "-A"); err != nil {
		return err
	}
	return run(c.Author, "commit", "-q", "--allow-empty", "-m", c.Message)
}

// scriptRemote creates a bare repository in the workspace's .certlab
// folder, adds it as a remote and pushes every branch and tag to it.
func scriptRemote(ctx context.Context, ws *Workspace, name string, run func(string, ...string) error) error {
	bare := filepath.Join(ws.Dir, MetaDir, "remotes", name+".git")
	if err := os.MkdirAll(filepath.Dir(bare), 0o755); err != nil {
		return err
	}
	if _, err := (&Workspace{Dir: filepath.Dir(bare), hooks: ws.hooks}).git(ctx, nil, "init", "-q", "--bare", bare); err != nil {
		return err
	}
	if err := run("", "remote", "add", name, bare); err != nil {
		return err
	}
	if err := run("", "-c", "protocol.file.allow=always", "push", "-q", name, "--all"); err != nil {
		return err
	}
	return run("", "-c", "protocol.file.allow=always", "push", "-q", name, "--tags")
}

// copyTree copies a folder of an fs.FS into dir.
func copyTree(fsys fs.FS, src, dir string) error {
	return fs.WalkDir(fsys, src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p, src), "/")
		if rel == "" {
			return nil
		}
		dst := filepath.Join(dir, filepath.FromSlash(rel))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if strings.HasSuffix(p, ".sh") {
			mode = 0o755
		}
		return os.WriteFile(dst, b, mode)
	})
}

// RunScript runs a script of the lab (its reference solution, or a wrong
// solution in the tests) with bash in the workspace. Scripts are the lab
// author's, never a candidate's, and run only on the candidate's machine
// or in tests, never on the server.
func RunScript(ctx context.Context, l *Lab, ws *Workspace, script string, stdout, stderr io.Writer) error {
	if ws.Server {
		return errors.New("scripts never run on the server")
	}
	src, err := l.ReadFile(script)
	if err != nil {
		return fmt.Errorf("lab %s: %w", l.ID, err)
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		return errors.New("bash is not installed: the solution script needs it")
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bash, "-c", string(src), script)
	cmd.Dir = ws.Dir
	cmd.Env = append(ws.gitEnv(), "GIT_AUTHOR_NAME=Lab Candidate", "GIT_AUTHOR_EMAIL=candidate@certlab.invalid",
		"GIT_COMMITTER_NAME=Lab Candidate", "GIT_COMMITTER_EMAIL=candidate@certlab.invalid", "CERTLAB_LAB="+l.ID)
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("lab %s: %s: %w", l.ID, script, err)
	}
	return nil
}
