package lab

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
)

// Git checks run the git command, hardened (see Workspace.Git), and read
// only: refs, commits, trees and blobs.

type gitRefParams struct {
	Name      string `yaml:"name"`
	Absent    bool   `yaml:"absent"`
	Annotated *bool  `yaml:"annotated"` // tags: annotated (true) or lightweight (false)
	Subject   string `yaml:"subject"`   // tags: the tagged commit's subject matches
	On        string `yaml:"on"`        // tags: the tagged commit is on this branch
}

type gitCommitParams struct {
	Ref        string `yaml:"ref"`     // default HEAD
	Since      string `yaml:"since"`   // only commits not reachable from this ref
	Subject    string `yaml:"subject"` // a commit whose subject matches
	Body       string `yaml:"body"`    // and whose message matches
	Author     string `yaml:"author"`
	Absent     bool   `yaml:"absent"`
	CherryPick bool   `yaml:"cherry_pick"` // the commit records "(cherry picked from commit …)"
	MinCount   int    `yaml:"min_count"`
}

type gitAncestorParams struct {
	Ancestor   string `yaml:"ancestor"`
	Descendant string `yaml:"descendant"`
	Absent     bool   `yaml:"absent"` // ancestor must NOT be merged into descendant
}

type gitLinearParams struct {
	Ref   string `yaml:"ref"`
	Since string `yaml:"since"`
}

type gitFileParams struct {
	Ref     string `yaml:"ref"`
	Path    string `yaml:"path"`
	Pattern string `yaml:"pattern"`
	Absent  bool   `yaml:"absent"`
}

type gitHistoryParams struct {
	Path    string `yaml:"path"`    // a glob of paths no reachable commit may hold
	Pattern string `yaml:"pattern"` // a regular expression no reachable blob may match
	MaxSize int64  `yaml:"max_size"`
}

type gitTrailerParams struct {
	Ref     string `yaml:"ref"`
	Since   string `yaml:"since"`
	Trailer string `yaml:"trailer"` // e.g. Signed-off-by
}

type gitAttrParams struct {
	Path      string `yaml:"path"`
	Attribute string `yaml:"attribute"`
	Value     string `yaml:"value"`
}

type gitRemoteParams struct {
	Remote string `yaml:"remote"`
	Ref    string `yaml:"ref"`  // e.g. refs/heads/main or refs/tags/v1.2.0
	Same   string `yaml:"same"` // the remote ref points at the same commit as this local ref
	Absent bool   `yaml:"absent"`
}

var refNameRE = regexp.MustCompile(`^[A-Za-z0-9._/@{}^~-]+$`)

func checkRef(what, ref string) error {
	if ref == "" {
		return nil
	}
	if !refNameRE.MatchString(ref) || strings.HasPrefix(ref, "-") {
		return fmt.Errorf("%s %q is not a ref name", what, ref)
	}
	return nil
}

func checkRegexp(what, re string) error {
	if re == "" {
		return nil
	}
	if _, err := regexp.Compile(re); err != nil {
		return fmt.Errorf("%s: %v", what, err)
	}
	return nil
}

func requireGit(ws *Workspace) *Outcome {
	if !ws.HasGit() {
		o := fail("the workspace is not a git repository")
		return &o
	}
	return nil
}

// resolve returns the commit a ref names, or "".
func resolve(ctx context.Context, ws *Workspace, ref string) string {
	out, err := ws.Git(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}")
	if err != nil {
		return ""
	}
	return strings.TrimSpace(out)
}

func short(sha string) string {
	if len(sha) > 8 {
		return sha[:8]
	}
	return sha
}

func init() {
	register("git-branch", "a branch exists (or, with absent, does not)", false,
		validateGitBranch, checkGitBranch)
	register("git-tag", "a tag exists, annotated or not, on the commit its subject names, on a branch", false,
		validateGitTag, checkGitTag)
	register("git-commit", "a commit whose subject (and message, author) matches is reachable from a ref", false,
		validateGitCommit, checkGitCommit)
	register("git-merged", "a ref is an ancestor of another (merged into it), or with absent is not", false,
		validateGitMerged, checkGitMerged)
	register("git-unchanged", "a branch or tag still points where the lab's setup left it", false,
		validateGitUnchanged, checkGitUnchanged)
	register("git-linear", "a ref's history (since a base) has no merge commits", false,
		validateGitLinear, checkGitLinear)
	register("git-file", "a file at a ref exists and its text matches (or, with absent, it is not there)", false,
		validateGitFile, checkGitFile)
	register("git-history-absent", "no commit reachable from any ref holds a path (glob) or content (regular expression)", false,
		validateGitHistoryAbsent, checkGitHistoryAbsent)
	register("git-trailer", "every non-merge commit of a range carries a trailer such as Signed-off-by", false,
		validateGitTrailer, checkGitTrailer)
	register("git-attribute", "git gives a path an attribute value through .gitattributes (e.g. filter=lfs)", false,
		validateGitAttribute, checkGitAttribute)
	register("git-remote", "a ref was pushed to the lab's local remote (or, with absent, is not there)", false,
		validateGitRemote, checkGitRemote)
}

type commit struct {
	sha, subject, author, body string
	merge                      bool
}

// commitsOf lists the commits reachable from ref and not from since.
func commitsOf(ctx context.Context, ws *Workspace, ref, since string) ([]commit, error) {
	rng := ref
	if since != "" {
		rng = since + ".." + ref
	}
	out, err := ws.Git(ctx, "log", "--no-color", "--format=%H%x1f%P%x1f%an <%ae>%x1f%s%x1f%B%x1e", "--end-of-options", rng)
	if err != nil {
		return nil, err
	}
	var cs []commit
	for _, rec := range strings.Split(out, "\x1e") {
		f := strings.Split(strings.TrimLeft(rec, "\n"), "\x1f")
		if len(f) < 5 {
			continue
		}
		cs = append(cs, commit{sha: f[0], merge: len(strings.Fields(f[1])) > 1, author: f[2], subject: f[3], body: f[4]})
	}
	return cs, nil
}

func matchCommit(c commit, p *gitCommitParams) bool {
	if p.Subject != "" && !regexp.MustCompile(p.Subject).MatchString(c.subject) {
		return false
	}
	if p.Body != "" && !regexp.MustCompile(p.Body).MatchString(c.body) {
		return false
	}
	if p.Author != "" && !regexp.MustCompile(p.Author).MatchString(c.author) {
		return false
	}
	if p.CherryPick && !strings.Contains(c.body, "(cherry picked from commit ") {
		return false
	}
	return true
}

type blob struct {
	sha, path string
	size      int64
}

// reachableBlobs lists every blob reachable from any ref or HEAD, with a
// path it was seen at and its size.
func reachableBlobs(ctx context.Context, ws *Workspace) ([]blob, error) {
	out, err := ws.Git(ctx, "rev-list", "--objects", "--all", "--reflog", "--indexed-objects")
	if err != nil {
		// an empty repository has no objects
		if strings.Contains(err.Error(), "bad revision") || strings.Contains(err.Error(), "ambiguous") {
			return nil, nil
		}
		return nil, err
	}
	var objs []string
	paths := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		sha, p, _ := strings.Cut(sc.Text(), " ")
		if p == "" {
			continue // commits, and trees of the root
		}
		if _, seen := paths[sha]; !seen {
			objs = append(objs, sha)
		}
		paths[sha] = p
	}
	if len(objs) == 0 {
		return nil, nil
	}
	check, err := ws.batchCheck(ctx, objs)
	if err != nil {
		return nil, err
	}
	var blobs []blob
	for _, o := range objs {
		if info, ok := check[o]; ok && info.typ == "blob" {
			blobs = append(blobs, blob{sha: o, path: paths[o], size: info.size})
		}
	}
	return blobs, nil
}

type objectInfo struct {
	typ  string
	size int64
}

// batchCheck asks git for the type and size of many objects at once.
func (ws *Workspace) batchCheck(ctx context.Context, objs []string) (map[string]objectInfo, error) {
	out, err := ws.gitStdin(ctx, strings.Join(objs, "\n")+"\n", "cat-file", "--batch-check")
	if err != nil {
		return nil, err
	}
	m := map[string]objectInfo{}
	for _, l := range strings.Split(out, "\n") {
		f := strings.Fields(l)
		if len(f) == 3 {
			var size int64
			fmt.Sscan(f[2], &size)
			m[f[0]] = objectInfo{typ: f[1], size: size}
		}
	}
	return m, nil
}

// grepBlobs returns the path of the first blob whose content matches.
func grepBlobs(ctx context.Context, ws *Workspace, blobs []blob, re *regexp.Regexp) (string, error) {
	for _, b := range blobs {
		if b.size > maxDocument {
			continue
		}
		text, err := ws.Git(ctx, "cat-file", "blob", b.sha)
		if err != nil {
			return "", err
		}
		if re.MatchString(text) {
			return b.path + " (blob " + short(b.sha) + ")", nil
		}
	}
	return "", nil
}

// validateGitBranch checks a git-branch check's parameters.
func validateGitBranch(p *gitRefParams) error {
	if p.Name == "" {
		return errors.New("name is missing")
	}
	return checkRef("name", p.Name)
}

// checkGitBranch grades the git-branch check: a branch exists (or, with absent, does not).
func checkGitBranch(ctx context.Context, ws *Workspace, p *gitRefParams) Outcome {
	if o := requireGit(ws); o != nil {
		return *o
	}
	sha := resolve(ctx, ws, "refs/heads/"+p.Name)
	switch {
	case sha == "" && p.Absent:
		return pass("no branch %s", p.Name)
	case sha == "":
		return fail("there is no branch %s", p.Name)
	case p.Absent:
		return fail("branch %s still exists (at %s)", p.Name, short(sha))
	}
	return pass("branch %s is at %s", p.Name, short(sha))
}

// validateGitTag checks a git-tag check's parameters.
func validateGitTag(p *gitRefParams) error {
	if p.Name == "" {
		return errors.New("name is missing")
	}
	if err := checkRegexp("subject", p.Subject); err != nil {
		return err
	}
	return checkRef("on", p.On)
}

// checkGitTag grades the git-tag check: a tag exists, annotated or not, on the commit its subject names, on a branch.
func checkGitTag(ctx context.Context, ws *Workspace, p *gitRefParams) Outcome {
	if o := requireGit(ws); o != nil {
		return *o
	}
	ref := "refs/tags/" + p.Name
	sha := resolve(ctx, ws, ref)
	if sha == "" {
		if p.Absent {
			return pass("no tag %s", p.Name)
		}
		return fail("there is no tag %s", p.Name)
	}
	if p.Absent {
		return fail("tag %s exists", p.Name)
	}
	if p.Annotated != nil {
		typ, _ := ws.Git(ctx, "cat-file", "-t", ref)
		annotated := strings.TrimSpace(typ) == "tag"
		if annotated != *p.Annotated {
			if annotated {
				return fail("tag %s is annotated; a lightweight tag is wanted", p.Name)
			}
			return fail("tag %s is a lightweight tag: create it with git tag -a", p.Name)
		}
	}
	if p.Subject != "" {
		subj, _ := ws.Git(ctx, "log", "-1", "--format=%s", sha)
		if !regexp.MustCompile(p.Subject).MatchString(strings.TrimSpace(subj)) {
			return fail("tag %s is on %s (%q), not on the commit wanted", p.Name, short(sha), strings.TrimSpace(subj))
		}
	}
	if p.On != "" {
		if _, err := ws.Git(ctx, "merge-base", "--is-ancestor", sha, "refs/heads/"+p.On); err != nil {
			return fail("tag %s (%s) is not on branch %s", p.Name, short(sha), p.On)
		}
	}
	return pass("tag %s is on %s", p.Name, short(sha))
}

// validateGitCommit checks a git-commit check's parameters.
func validateGitCommit(p *gitCommitParams) error {
	if p.Subject == "" && p.Body == "" && p.Author == "" && !p.CherryPick {
		return errors.New("give subject, body, author or cherry_pick")
	}
	for _, e := range []error{checkRef("ref", p.Ref), checkRef("since", p.Since), checkRegexp("subject", p.Subject), checkRegexp("body", p.Body), checkRegexp("author", p.Author)} {
		if e != nil {
			return e
		}
	}
	return nil
}

// checkGitCommit grades the git-commit check: a commit whose subject (and message, author) matches is reachable from a ref.
func checkGitCommit(ctx context.Context, ws *Workspace, p *gitCommitParams) Outcome {
	if o := requireGit(ws); o != nil {
		return *o
	}
	ref := p.Ref
	if ref == "" {
		ref = "HEAD"
	}
	if resolve(ctx, ws, ref) == "" {
		return fail("there is no %s", ref)
	}
	commits, err := commitsOf(ctx, ws, ref, p.Since)
	if err != nil {
		return fail("%v", err)
	}
	n := 0
	var hit string
	for _, c := range commits {
		if matchCommit(c, p) {
			n++
			if hit == "" {
				hit = short(c.sha) + " " + c.subject
			}
		}
	}
	want := max(p.MinCount, 1)
	switch {
	case p.Absent && n > 0:
		return fail("%s has %s", ref, hit)
	case p.Absent:
		return pass("%s has no such commit", ref)
	case n < want:
		return fail("%s has %d such commits (want %d)", ref, n, want)
	}
	return pass("%s has %s", ref, hit)
}

// validateGitMerged checks a git-merged check's parameters.
func validateGitMerged(p *gitAncestorParams) error {
	if p.Ancestor == "" || p.Descendant == "" {
		return errors.New("ancestor and descendant are needed")
	}
	if err := checkRef("ancestor", p.Ancestor); err != nil {
		return err
	}
	return checkRef("descendant", p.Descendant)
}

// checkGitMerged grades the git-merged check: a ref is an ancestor of another (merged into it), or with absent is not.
func checkGitMerged(ctx context.Context, ws *Workspace, p *gitAncestorParams) Outcome {
	if o := requireGit(ws); o != nil {
		return *o
	}
	a, d := resolve(ctx, ws, p.Ancestor), resolve(ctx, ws, p.Descendant)
	if a == "" || d == "" {
		return fail("%s or %s does not exist", p.Ancestor, p.Descendant)
	}
	_, err := ws.Git(ctx, "merge-base", "--is-ancestor", a, d)
	merged := err == nil
	switch {
	case merged && p.Absent:
		return fail("%s is merged into %s", p.Ancestor, p.Descendant)
	case !merged && !p.Absent:
		return fail("%s is not merged into %s", p.Ancestor, p.Descendant)
	case merged:
		return pass("%s is merged into %s", p.Ancestor, p.Descendant)
	}
	return pass("%s is not merged into %s", p.Ancestor, p.Descendant)
}

// validateGitUnchanged checks a git-unchanged check's parameters.
func validateGitUnchanged(p *gitRefParams) error {
	if p.Name == "" {
		return errors.New("name is missing")
	}
	return checkRef("name", p.Name)
}

// checkGitUnchanged grades the git-unchanged check: a branch or tag still points where the lab's setup left it.
func checkGitUnchanged(ctx context.Context, ws *Workspace, p *gitRefParams) Outcome {
	if o := requireGit(ws); o != nil {
		return *o
	}
	if ws.lab == nil {
		return fail("the lab's setup is not available")
	}
	want, err := ws.lab.setupRef(ctx, p.Name)
	if err != nil {
		return fail("%v", err)
	}
	if want == "" {
		return fail("the lab's setup has no %s", p.Name)
	}
	got := resolve(ctx, ws, p.Name)
	if got == "" {
		return fail("%s was deleted", p.Name)
	}
	if c := resolve(ctx, ws, want); got != want && got != c {
		return fail("%s moved from %s to %s", p.Name, short(want), short(got))
	}
	return pass("%s is unchanged at %s", p.Name, short(got))
}

// validateGitLinear checks a git-linear check's parameters.
func validateGitLinear(p *gitLinearParams) error {
	if p.Ref == "" {
		return errors.New("ref is missing")
	}
	if err := checkRef("ref", p.Ref); err != nil {
		return err
	}
	return checkRef("since", p.Since)
}

// checkGitLinear grades the git-linear check: a ref's history (since a base) has no merge commits.
func checkGitLinear(ctx context.Context, ws *Workspace, p *gitLinearParams) Outcome {
	if o := requireGit(ws); o != nil {
		return *o
	}
	if resolve(ctx, ws, p.Ref) == "" {
		return fail("there is no %s", p.Ref)
	}
	rng := p.Ref
	if p.Since != "" {
		rng = p.Since + ".." + p.Ref
	}
	out, err := ws.Git(ctx, "rev-list", "--merges", "--end-of-options", rng)
	if err != nil {
		return fail("%v", err)
	}
	if m := strings.Fields(out); len(m) > 0 {
		return fail("%s has %d merge commits (first %s)", p.Ref, len(m), short(m[0]))
	}
	return pass("%s is linear", p.Ref)
}

// validateGitFile checks a git-file check's parameters.
func validateGitFile(p *gitFileParams) error {
	if err := needPath("path", p.Path); err != nil {
		return err
	}
	if err := checkRef("ref", p.Ref); err != nil {
		return err
	}
	return checkRegexp("pattern", p.Pattern)
}

// checkGitFile grades the git-file check: a file at a ref exists and its text matches (or, with absent, it is not there).
func checkGitFile(ctx context.Context, ws *Workspace, p *gitFileParams) Outcome {
	if o := requireGit(ws); o != nil {
		return *o
	}
	ref := p.Ref
	if ref == "" {
		ref = "HEAD"
	}
	sha := resolve(ctx, ws, ref)
	if sha == "" {
		return fail("there is no %s", ref)
	}
	text, err := ws.Git(ctx, "cat-file", "blob", sha+":"+p.Path)
	exists := err == nil
	switch {
	case !exists && p.Absent && p.Pattern == "":
		return pass("%s has no %s", ref, p.Path)
	case !exists:
		if p.Absent {
			return pass("%s has no %s", ref, p.Path)
		}
		return fail("%s has no file %s", ref, p.Path)
	case p.Pattern == "" && p.Absent:
		return fail("%s still has %s", ref, p.Path)
	case p.Pattern == "":
		return pass("%s has %s", ref, p.Path)
	}
	m := regexp.MustCompile(p.Pattern).FindString(text)
	if (m != "") == p.Absent {
		if p.Absent {
			return fail("%s:%s still has %q", ref, p.Path, oneLine(m))
		}
		return fail("%s:%s has nothing that matches %s", ref, p.Path, p.Pattern)
	}
	return pass("%s:%s checked", ref, p.Path)
}

// validateGitHistoryAbsent checks a git-history-absent check's parameters.
func validateGitHistoryAbsent(p *gitHistoryParams) error {
	if p.Path == "" && p.Pattern == "" && p.MaxSize == 0 {
		return errors.New("give path, pattern or max_size")
	}
	return checkRegexp("pattern", p.Pattern)
}

// checkGitHistoryAbsent grades the git-history-absent check: no commit reachable from any ref holds a path (glob) or content (regular expression).
func checkGitHistoryAbsent(ctx context.Context, ws *Workspace, p *gitHistoryParams) Outcome {
	if o := requireGit(ws); o != nil {
		return *o
	}
	blobs, err := reachableBlobs(ctx, ws)
	if err != nil {
		return fail("%v", err)
	}
	var re *regexp.Regexp
	if p.Pattern != "" {
		re = regexp.MustCompile(p.Pattern)
	}
	for _, b := range blobs {
		if p.Path != "" && globMatch(p.Path, b.path) {
			return fail("history still holds %s (blob %s)", b.path, short(b.sha))
		}
		if p.MaxSize > 0 && b.size > p.MaxSize {
			return fail("history still holds %s of %d bytes (limit %d)", b.path, b.size, p.MaxSize)
		}
	}
	if re != nil {
		hit, err := grepBlobs(ctx, ws, blobs, re)
		if err != nil {
			return fail("%v", err)
		}
		if hit != "" {
			return fail("history still holds matching content in %s", hit)
		}
	}
	return pass("no reachable commit holds it (%d blobs checked)", len(blobs))
}

// validateGitTrailer checks a git-trailer check's parameters.
func validateGitTrailer(p *gitTrailerParams) error {
	if p.Trailer == "" || p.Ref == "" {
		return errors.New("ref and trailer are needed")
	}
	if err := checkRef("ref", p.Ref); err != nil {
		return err
	}
	return checkRef("since", p.Since)
}

// checkGitTrailer grades the git-trailer check: every non-merge commit of a range carries a trailer such as Signed-off-by.
func checkGitTrailer(ctx context.Context, ws *Workspace, p *gitTrailerParams) Outcome {
	if o := requireGit(ws); o != nil {
		return *o
	}
	if resolve(ctx, ws, p.Ref) == "" {
		return fail("there is no %s", p.Ref)
	}
	commits, err := commitsOf(ctx, ws, p.Ref, p.Since)
	if err != nil {
		return fail("%v", err)
	}
	prefix := strings.ToLower(p.Trailer) + ":"
	checked := 0
	for _, c := range commits {
		if c.merge {
			continue
		}
		checked++
		found := false
		for _, l := range strings.Split(c.body, "\n") {
			found = found || strings.HasPrefix(strings.ToLower(strings.TrimSpace(l)), prefix)
		}
		if !found {
			return fail("commit %s (%s) has no %s trailer", short(c.sha), c.subject, p.Trailer)
		}
	}
	if checked == 0 {
		return fail("no commits in %s to check", p.Ref)
	}
	return pass("%d commits carry %s", checked, p.Trailer)
}

// validateGitAttribute checks a git-attribute check's parameters.
func validateGitAttribute(p *gitAttrParams) error {
	if err := needPath("path", p.Path); err != nil {
		return err
	}
	if p.Attribute == "" || p.Value == "" {
		return errors.New("attribute and value are needed")
	}
	return nil
}

// checkGitAttribute grades the git-attribute check: git gives a path an attribute value through .gitattributes (e.g. filter=lfs).
func checkGitAttribute(ctx context.Context, ws *Workspace, p *gitAttrParams) Outcome {
	if o := requireGit(ws); o != nil {
		return *o
	}
	out, err := ws.Git(ctx, "check-attr", p.Attribute, "--", p.Path)
	if err != nil {
		return fail("%v", err)
	}
	// "<path>: <attribute>: <value>"
	parts := strings.SplitN(strings.TrimSpace(out), ": ", 3)
	got := ""
	if len(parts) == 3 {
		got = parts[2]
	}
	if got != p.Value {
		return fail("%s has %s=%s, want %s", p.Path, p.Attribute, got, p.Value)
	}
	return pass("%s has %s=%s", p.Path, p.Attribute, got)
}

// validateGitRemote checks a git-remote check's parameters.
func validateGitRemote(p *gitRemoteParams) error {
	if p.Remote == "" || p.Ref == "" {
		return errors.New("remote and ref are needed")
	}
	if !refNameRE.MatchString(p.Remote) || strings.Contains(p.Remote, "/") {
		return fmt.Errorf("remote %q is not a remote name", p.Remote)
	}
	if err := checkRef("ref", p.Ref); err != nil {
		return err
	}
	return checkRef("same", p.Same)
}

// checkGitRemote grades the git-remote check: a ref was pushed to the lab's local remote (or, with absent, is not there).
func checkGitRemote(ctx context.Context, ws *Workspace, p *gitRemoteParams) Outcome {
	bare := &Workspace{Dir: filepath.Join(ws.Dir, MetaDir, "remotes", p.Remote+".git"), Server: ws.Server, hooks: ws.hooks}
	remote := resolve(ctx, bare, p.Ref)
	switch {
	case remote == "" && p.Absent:
		return pass("%s has no %s", p.Remote, p.Ref)
	case remote == "":
		return fail("%s has no %s: push it", p.Remote, p.Ref)
	case p.Absent:
		return fail("%s still has %s", p.Remote, p.Ref)
	}
	if p.Same != "" {
		if local := resolve(ctx, ws, p.Same); local != remote {
			return fail("%s:%s is at %s, %s at %s: push again", p.Remote, p.Ref, short(remote), p.Same, short(local))
		}
	}
	return pass("%s:%s is at %s", p.Remote, p.Ref, short(remote))
}
