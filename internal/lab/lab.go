// Package lab runs certlab's hands-on labs: real DevOps tasks (git,
// pipelines, workflows, dependency and secret scanning, infrastructure as
// code, alert rules) that a candidate does on their own machine and that
// certlab grades offline with declarative checks built on the real tools
// and libraries of the field.
//
// A lab is a folder of a program pack: lab.yaml (tasks and checks),
// README.md (the work ticket), an optional setup/ folder and scripted git
// history that build the starting workspace, and a reference solution
// script that the tests run. Grading never executes candidate content on
// the server: only checks that parse and inspect files and git objects
// run there (see Check.Executes).
package lab

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/certlab/certlab"
	"go.yaml.in/yaml/v3"
)

// Lab is one hands-on lab.
type Lab struct {
	ID           string              `json:"id"`
	Title        string              `json:"title"`
	Pool         string              `json:"pool"`
	Minutes      int                 `json:"minutes"`
	Difficulty   int                 `json:"difficulty"`
	Objectives   map[string][]string `json:"objectives"`
	Verified     string              `json:"verified"`
	References   []string            `json:"references"`
	Instructions string              `json:"instructions"` // README.md, Markdown
	Setup        Setup               `json:"-"`
	Tasks        []*Task             `json:"tasks"`
	Solution     string              `json:"-"` // the reference solution script's path in the lab folder
	Wrong        []WrongSolution     `json:"-"`

	Dir  string `json:"-"` // the lab's folder in its file system
	File string `json:"-"` // lab.yaml, for messages
	fsys fs.FS

	setupOnce sync.Once
	setupSHA  string
	setupRefs map[string]string
	setupErr  error
}

// Setup builds the starting workspace.
type Setup struct {
	// Files is a folder of the lab copied into the workspace ("" for none).
	Files string
	// Git is the scripted history; empty for a workspace without git.
	Git []GitStep
}

// GitStep is one step of a scripted history. Exactly one field is set.
type GitStep struct {
	Commit   *CommitStep `yaml:"commit"`
	Branch   string      `yaml:"branch"`
	Checkout string      `yaml:"checkout"`
	Tag      *TagStep    `yaml:"tag"`
	Merge    *MergeStep  `yaml:"merge"`
	Remote   string      `yaml:"remote"` // a bare repository in the workspace's .certlab folder, pushed with every branch and tag
	Line     int         `yaml:"-"`
}

// CommitStep writes files and commits them.
type CommitStep struct {
	Message string            `yaml:"message"`
	Author  string            `yaml:"author"` // "Name <email>"; default the lab author
	Files   map[string]string `yaml:"files"`  // path -> content
	From    string            `yaml:"from"`   // a folder of the lab whose files are copied first
	Delete  []string          `yaml:"delete"`
}

// TagStep creates a tag at HEAD: annotated when it has a message.
type TagStep struct {
	Name    string `yaml:"name"`
	Message string `yaml:"message"`
}

// MergeStep merges a branch into the current one.
type MergeStep struct {
	Branch  string `yaml:"branch"`
	Message string `yaml:"message"`
	NoFF    bool   `yaml:"no_ff"`
}

// Task is one part of the work, graded by its checks.
type Task struct {
	ID     string   `json:"id"`
	Title  string   `json:"title"`
	Points int      `json:"points"`
	Hint   string   `json:"hint,omitempty"`
	Checks []*Check `json:"checks"`
}

// Check is one declarative check: a checker type, its parameters and the
// feedback shown when it fails.
type Check struct {
	ID       string    `json:"id"` // task id, ".", the check's index or its own id
	Type     string    `json:"type"`
	Feedback string    `json:"feedback"`
	Params   yaml.Node `json:"-"`
	Line     int       `json:"-"`
	checker  checker
}

// Executes reports whether the check runs candidate content (a pipeline's
// script steps); such checks run only on the candidate's machine.
func (c *Check) Executes() bool { return c.checker.executes }

// WrongSolution is a plausible wrong solution the tests apply, with the
// checks it must fail.
type WrongSolution struct {
	Script string   `yaml:"script"`
	Fails  []string `yaml:"fails"`
}

// MaxPoints is what the lab is worth.
func (l *Lab) MaxPoints() int {
	n := 0
	for _, t := range l.Tasks {
		n += t.Points
	}
	return n
}

// Objective returns the lab's first objective in an outline version.
func (l *Lab) Objective(version string) string {
	if obs := l.Objectives[version]; len(obs) > 0 {
		return obs[0]
	}
	return ""
}

// ReadFile reads a file of the lab's folder.
func (l *Lab) ReadFile(name string) ([]byte, error) {
	return fs.ReadFile(l.fsys, path.Join(l.Dir, name))
}

// Diagnostic is a problem of a lab file, at a line.
type Diagnostic struct {
	File    string
	Line    int
	Message string
}

func (d Diagnostic) String() string {
	if d.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", d.File, d.Line, d.Message)
	}
	return d.File + ": " + d.Message
}

type labFile struct {
	ID         string              `yaml:"id"`
	Title      string              `yaml:"title"`
	Pool       string              `yaml:"pool"`
	Minutes    int                 `yaml:"minutes"`
	Difficulty int                 `yaml:"difficulty"`
	Objectives map[string][]string `yaml:"objectives"`
	Verified   string              `yaml:"verified"`
	References []string            `yaml:"references"`
	Setup      struct {
		Files string    `yaml:"files"`
		Git   yaml.Node `yaml:"git"`
	} `yaml:"setup"`
	Tasks    []taskFile      `yaml:"tasks"`
	Solution string          `yaml:"solution"`
	Wrong    []WrongSolution `yaml:"wrong"`
}

type taskFile struct {
	ID     string      `yaml:"id"`
	Title  string      `yaml:"title"`
	Points int         `yaml:"points"`
	Hint   string      `yaml:"hint"`
	Checks []yaml.Node `yaml:"checks"`
}

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*$`)

// Load reads the lab in folder dir of fsys; name is how the folder is shown
// in messages. It returns the lab and every problem found; a lab with
// problems must not be used.
func Load(fsys fs.FS, dir, name string) (*Lab, []Diagnostic) {
	file := path.Join(name, "lab.yaml")
	var diags []Diagnostic
	errorf := func(line int, format string, args ...any) {
		diags = append(diags, Diagnostic{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
	}
	src, err := fs.ReadFile(fsys, path.Join(dir, "lab.yaml"))
	if err != nil {
		errorf(0, "read: %v", err)
		return nil, diags
	}
	var root yaml.Node
	if err := yaml.Unmarshal(src, &root); err != nil {
		errorf(yamlLine(err), "%s", yamlMessage(err))
		return nil, diags
	}
	var f labFile
	dec := yaml.NewDecoder(bytes.NewReader(src))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		errorf(yamlLine(err), "%s", yamlMessage(err))
		return nil, diags
	}
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) > 0 {
		doc = doc.Content[0]
	}
	at := func(keys ...string) int { return lineOf(doc, keys...) }
	l := &Lab{ID: f.ID, Title: f.Title, Pool: f.Pool, Minutes: f.Minutes, Difficulty: f.Difficulty, Objectives: f.Objectives,
		Verified: f.Verified, References: f.References, Solution: f.Solution, Wrong: f.Wrong,
		Setup: Setup{Files: f.Setup.Files}, Dir: dir, File: file, fsys: fsys}
	if !idRE.MatchString(l.ID) {
		errorf(at("id"), "lab id %q must be lowercase letters, digits, '-' and '.'", l.ID)
	}
	if base := path.Base(dir); l.ID != "" && base != l.ID && base != "." {
		errorf(at("id"), "lab id %q differs from its folder %q", l.ID, base)
	}
	if strings.TrimSpace(l.Title) == "" {
		errorf(at("title"), "title is missing")
	}
	switch l.Pool {
	case certlab.PoolExam, certlab.PoolPractice:
	case "":
		errorf(at("pool"), "pool is missing: exam or practice")
	default:
		errorf(at("pool"), "pool %q must be exam or practice", l.Pool)
	}
	if l.Minutes <= 0 || l.Minutes > 240 {
		errorf(at("minutes"), "minutes (the estimated time) must be 1 to 240")
	}
	if l.Difficulty < 1 || l.Difficulty > 5 {
		errorf(at("difficulty"), "difficulty must be 1 to 5")
	}
	if len(l.Objectives) == 0 {
		errorf(at("objectives"), "objectives are missing")
	}
	if l.Verified != "" {
		if _, err := time.Parse(time.DateOnly, l.Verified); err != nil {
			errorf(at("verified"), "verified %q is not a date (YYYY-MM-DD)", l.Verified)
		}
	} else {
		errorf(at("verified"), "verified is missing: the day the lab's facts were last checked")
	}
	if n := len(l.References); n < 1 || n > 5 {
		errorf(at("references"), "give 1 to 5 references (found %d)", n)
	}
	readme, err := fs.ReadFile(fsys, path.Join(dir, "README.md"))
	if err != nil || strings.TrimSpace(string(readme)) == "" {
		errorf(0, "README.md (the instructions) is missing or empty")
	}
	l.Instructions = strings.TrimSpace(string(readme))
	if l.Setup.Files != "" {
		if st, err := fs.Stat(fsys, path.Join(dir, l.Setup.Files)); err != nil || !st.IsDir() {
			errorf(at("setup", "files"), "setup files: no folder %q in the lab", l.Setup.Files)
		}
	}
	if f.Setup.Git.Kind != 0 {
		l.Setup.Git = loadGitSteps(&f.Setup.Git, fsys, dir, errorf)
	}
	if l.Solution == "" {
		errorf(0, "solution: the reference solution script is missing")
	} else if _, err := fs.Stat(fsys, path.Join(dir, l.Solution)); err != nil {
		errorf(at("solution"), "solution: no file %q in the lab", l.Solution)
	}
	for i, w := range l.Wrong {
		if _, err := fs.Stat(fsys, path.Join(dir, w.Script)); err != nil {
			errorf(at("wrong", strconv.Itoa(i)), "wrong solution: no file %q in the lab", w.Script)
		}
		if len(w.Fails) == 0 {
			errorf(at("wrong", strconv.Itoa(i)), "wrong solution %s: list the checks it must fail", w.Script)
		}
	}
	if len(f.Tasks) == 0 {
		errorf(at("tasks"), "a lab needs tasks")
	}
	taskIDs := map[string]bool{}
	checkIDs := map[string]bool{}
	for i, tf := range f.Tasks {
		tn := child(doc, "tasks", strconv.Itoa(i))
		t := &Task{ID: tf.ID, Title: tf.Title, Points: tf.Points, Hint: strings.TrimSpace(tf.Hint)}
		if !idRE.MatchString(t.ID) || taskIDs[t.ID] {
			errorf(line(tn), "task id %q is missing, malformed or repeated", t.ID)
		}
		taskIDs[t.ID] = true
		if strings.TrimSpace(t.Title) == "" {
			errorf(line(tn), "task %s has no title", t.ID)
		}
		if t.Points == 0 {
			t.Points = 1
		}
		if t.Points < 0 || t.Points > 10 {
			errorf(lineOf(tn, "points"), "task %s: points must be 1 to 10", t.ID)
		}
		if len(tf.Checks) == 0 {
			errorf(line(tn), "task %s has no checks", t.ID)
		}
		for ci := range tf.Checks {
			cn := &tf.Checks[ci]
			c := loadCheck(cn, t.ID, ci, errorf)
			if c == nil {
				continue
			}
			if checkIDs[c.ID] {
				errorf(c.Line, "check id %q is used twice", c.ID)
			}
			checkIDs[c.ID] = true
			if c.checker.executes && l.Pool == certlab.PoolExam {
				errorf(c.Line, "check %s (%s) runs the candidate's scripts: exam labs are graded on the server, where only static checks run", c.ID, c.Type)
			}
			t.Checks = append(t.Checks, c)
		}
		l.Tasks = append(l.Tasks, t)
	}
	for i, w := range l.Wrong {
		for _, id := range w.Fails {
			if !checkIDs[id] {
				errorf(at("wrong", strconv.Itoa(i)), "wrong solution %s: no check %q (check ids: %s)", w.Script, id, strings.Join(sortedKeys(checkIDs), ", "))
			}
		}
	}
	return l, diags
}

// loadCheck reads one check: its type, id, feedback and parameters, and
// has its checker validate the parameters.
func loadCheck(n *yaml.Node, task string, index int, errorf func(int, string, ...any)) *Check {
	if n.Kind != yaml.MappingNode {
		errorf(n.Line, "a check is a mapping with type: and its parameters")
		return nil
	}
	c := &Check{ID: task + "." + strconv.Itoa(index+1), Line: n.Line}
	params := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: n.Line, Column: n.Column}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch k.Value {
		case "type":
			c.Type = v.Value
		case "id":
			c.ID = task + "." + v.Value
		case "feedback":
			c.Feedback = strings.TrimSpace(v.Value)
		default:
			params.Content = append(params.Content, k, v)
		}
	}
	ck, ok := checkers[c.Type]
	if !ok {
		errorf(c.Line, "check type %q must be one of %s", c.Type, strings.Join(CheckTypes(), ", "))
		return nil
	}
	c.checker = ck
	c.Params = *params
	if c.Feedback == "" {
		errorf(c.Line, "check %s: feedback (shown when it fails) is missing", c.ID)
	}
	if err := ck.validate(params); err != nil {
		errorf(errLine(err, c.Line), "check %s (%s): %v", c.ID, c.Type, err)
		return nil
	}
	return c
}

func loadGitSteps(n *yaml.Node, fsys fs.FS, dir string, errorf func(int, string, ...any)) []GitStep {
	if n.Kind != yaml.SequenceNode {
		errorf(n.Line, "setup git must be a list of steps")
		return nil
	}
	var steps []GitStep
	for _, sn := range n.Content {
		var s GitStep
		if bad, key := unknownStepKey(sn); bad {
			errorf(sn.Line, "git step: unknown key %q (commit, branch, checkout, tag, merge, remote)", key)
			continue
		}
		if err := sn.Decode(&s); err != nil {
			errorf(sn.Line, "git step: %s", yamlMessage(err))
			continue
		}
		s.Line = sn.Line
		set := 0
		for _, b := range []bool{s.Commit != nil, s.Branch != "", s.Checkout != "", s.Tag != nil, s.Merge != nil, s.Remote != ""} {
			if b {
				set++
			}
		}
		if set != 1 {
			errorf(sn.Line, "a git step has exactly one of commit, branch, checkout, tag, merge, remote")
			continue
		}
		if c := s.Commit; c != nil {
			if strings.TrimSpace(c.Message) == "" {
				errorf(sn.Line, "commit: message is missing")
			}
			if c.From != "" {
				if st, err := fs.Stat(fsys, path.Join(dir, c.From)); err != nil || !st.IsDir() {
					errorf(sn.Line, "commit: from: no folder %q in the lab", c.From)
				}
			}
			for p := range c.Files {
				if !safeRelPath(p) {
					errorf(sn.Line, "commit: file path %q must be relative and stay in the workspace", p)
				}
			}
		}
		if s.Tag != nil && s.Tag.Name == "" {
			errorf(sn.Line, "tag: name is missing")
		}
		if s.Merge != nil && s.Merge.Branch == "" {
			errorf(sn.Line, "merge: branch is missing")
		}
		steps = append(steps, s)
	}
	return steps
}

func unknownStepKey(n *yaml.Node) (bool, string) {
	if n.Kind != yaml.MappingNode {
		return false, ""
	}
	for i := 0; i < len(n.Content); i += 2 {
		switch n.Content[i].Value {
		case "commit", "branch", "checkout", "tag", "merge", "remote":
		default:
			return true, n.Content[i].Value
		}
	}
	return false, ""
}

// safeRelPath reports whether p is a relative slash path inside the
// workspace.
func safeRelPath(p string) bool {
	if p == "" || strings.HasPrefix(p, "/") || strings.Contains(p, "\\") || strings.Contains(p, "\x00") {
		return false
	}
	clean := path.Clean(p)
	return clean != "." && clean != ".." && !strings.HasPrefix(clean, "../") && clean != ".git" && !strings.HasPrefix(clean, ".git/")
}

func child(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		if n == nil {
			return nil
		}
		switch n.Kind {
		case yaml.MappingNode:
			var next *yaml.Node
			for i := 0; i+1 < len(n.Content); i += 2 {
				if n.Content[i].Value == k {
					next = n.Content[i+1]
				}
			}
			n = next
		case yaml.SequenceNode:
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i >= len(n.Content) {
				return nil
			}
			n = n.Content[i]
		default:
			return nil
		}
	}
	return n
}

func line(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	return n.Line
}

func lineOf(n *yaml.Node, keys ...string) int {
	for {
		if c := child(n, keys...); c != nil {
			return c.Line
		}
		if len(keys) == 0 {
			return line(n)
		}
		keys = keys[:len(keys)-1]
	}
}

var yamlLineRE = regexp.MustCompile(`line (\d+): `)

func yamlLine(err error) int {
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

func yamlMessage(err error) string {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.ReplaceAll(msg, "unmarshal errors:\n  ", "")
	return yamlLineRE.ReplaceAllString(msg, "")
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
