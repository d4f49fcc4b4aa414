package pipelines

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// sharedFixtures finds ../shared/fixtures/<rel> by walking up from the test's
// working directory.
func sharedFixtures(tb testing.TB, rel string) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatalf("working directory: %v", err)
	}
	for {
		cand := filepath.Join(dir, "shared", "fixtures")
		if st, err := os.Stat(cand); err == nil && st.IsDir() {
			return filepath.Join(cand, filepath.FromSlash(rel))
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatalf("cannot find shared/fixtures above %s: the test data must sit next to the repository (../shared)", dir)
		}
		dir = parent
	}
}

// metadataKeys are the comment keys SOURCE.txt defines, lower-case.
var metadataKeys = map[string]bool{
	"expectedexception": true, "expectederrormessage": true, "localrepository": true,
	"validatesyntax": true, "autocompletion": true, "row": true, "column": true, "name": true,
}

var metaLine = regexp.MustCompile(`^#\s*([A-Za-z]+)\s*:\s?(.*)$`)

type caseMeta map[string][]string

func readMeta(tb testing.TB, file string) caseMeta {
	tb.Helper()
	f, err := os.Open(file)
	if err != nil {
		tb.Fatalf("open case: %v", err)
	}
	defer f.Close()
	m := caseMeta{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if mm := metaLine.FindStringSubmatch(line); mm != nil && metadataKeys[strings.ToLower(mm[1])] {
			k := strings.ToLower(mm[1])
			m[k] = append(m[k], strings.TrimSpace(mm[2]))
		}
	}
	return m
}

// discoverCases applies the corpus's rules for finding cases.
func discoverCases(tb testing.TB, dir string) []string {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatalf("read %s: %v", dir, err)
	}
	var ymls, pipelines, subdirs []string
	for _, e := range entries {
		switch {
		case e.IsDir():
			subdirs = append(subdirs, filepath.Join(dir, e.Name()))
		case strings.HasSuffix(e.Name(), ".yml"):
			ymls = append(ymls, filepath.Join(dir, e.Name()))
			if strings.HasPrefix(e.Name(), "pipeline") {
				pipelines = append(pipelines, filepath.Join(dir, e.Name()))
			}
		}
	}
	if len(pipelines) > 0 {
		return pipelines
	}
	var withMeta []string
	for _, y := range ymls {
		if len(readMeta(tb, y)) > 0 {
			withMeta = append(withMeta, y)
		}
	}
	if len(withMeta) > 0 {
		return withMeta
	}
	var out []string
	for _, s := range subdirs {
		out = append(out, discoverCases(tb, s)...)
	}
	return out
}

// serviceLocation is the location prefix the reference engine puts in its
// messages ("file (Line: 40, Col:11): "); certlab reports file:line:col.
var serviceLocation = regexp.MustCompile(`^\S+ \(Line: \d+, Col: ?\d+\): `)

type caseResult struct {
	name    string
	skipped bool
	pass    bool
	reason  string
}

func runConformanceCase(tb testing.TB, corpus, file string) caseResult {
	tb.Helper()
	rel, _ := filepath.Rel(corpus, file)
	res := caseResult{name: filepath.ToSlash(rel)}
	meta := readMeta(tb, file)
	if len(meta["autocompletion"]) > 0 {
		res.skipped = true
		res.reason = "editor auto-completion case"
		return res
	}
	opts := Options{Repositories: map[string]string{}}
	for _, lr := range meta["localrepository"] {
		name, folder, ok := strings.Cut(lr, "=")
		if !ok {
			tb.Fatalf("%s: bad LocalRepository %q", rel, lr)
		}
		opts.Repositories[name] = filepath.Join(corpus, filepath.FromSlash(folder))
	}
	opts.SyntaxOnly = len(meta["validatesyntax"]) > 0 && strings.EqualFold(meta["validatesyntax"][0], "true")
	doc, err := Expand(file, opts)
	if err == nil {
		_, err = Validate(doc)
	}
	expectFail := len(meta["expectedexception"]) > 0
	switch {
	case !expectFail && err == nil:
		res.pass = true
	case !expectFail:
		res.reason = "expected success, got: " + firstLine(err.Error())
	case err == nil:
		res.reason = "expected an error (" + meta["expectedexception"][0] + "), but the pipeline expanded and validated"
	default:
		res.pass = true
		for _, want := range meta["expectederrormessage"] {
			want = serviceLocation.ReplaceAllString(want, "")
			if !strings.Contains(err.Error(), want) {
				res.pass = false
				res.reason = "error does not contain " + strconvQuote(want) + ": " + firstLine(err.Error())
			}
		}
	}
	return res
}

func strconvQuote(s string) string { return "\"" + s + "\"" }

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

// TestConformance runs the conformance corpus and requires a pass rate of at
// least 95 %, listing every failing case with its reason.
func TestConformance(t *testing.T) {
	corpus := sharedFixtures(t, "azure-pipelines/conformance")
	cases := discoverCases(t, corpus)
	sort.Strings(cases)
	var passed, failed, skipped int
	var failures []string
	for _, c := range cases {
		r := runConformanceCase(t, corpus, c)
		switch {
		case r.skipped:
			skipped++
			t.Logf("skip %s: %s", r.name, r.reason)
		case r.pass:
			passed++
		default:
			failed++
			failures = append(failures, r.name+": "+r.reason)
		}
	}
	total := passed + failed
	for _, f := range failures {
		t.Logf("FAIL %s", f)
	}
	rate := 0.0
	if total > 0 {
		rate = 100 * float64(passed) / float64(total)
	}
	t.Logf("conformance: %d cases found, %d skipped (auto-completion), %d/%d passed (%.1f %%)", len(cases), skipped, passed, total, rate)
	if len(cases) != 144 {
		t.Errorf("found %d cases, the corpus defines 144", len(cases))
	}
	if rate < 95 {
		t.Errorf("conformance pass rate %.1f %% is below 95 %%", rate)
	}
}

var locatedError = regexp.MustCompile(`^[^\s:]+:\d+:\d+: \S`)

// TestConformanceErrorsAreLocated checks that every case expected to fail
// fails with an error located as file:line:col (run with -v to read them).
func TestConformanceErrorsAreLocated(t *testing.T) {
	corpus := sharedFixtures(t, "azure-pipelines/conformance")
	checked := 0
	for _, c := range discoverCases(t, corpus) {
		meta := readMeta(t, c)
		if len(meta["expectedexception"]) == 0 {
			continue
		}
		checked++
		opts := Options{Repositories: map[string]string{}, Root: filepath.Dir(c)}
		opts.SyntaxOnly = len(meta["validatesyntax"]) > 0
		doc, err := Expand(c, opts)
		if err == nil {
			_, err = Validate(doc)
		}
		rel, _ := filepath.Rel(corpus, c)
		if err == nil {
			t.Errorf("%s: expected an error", rel)
			continue
		}
		msg := strings.TrimPrefix(err.Error(), filepath.Dir(c)+"/")
		if !locatedError.MatchString(msg) {
			t.Errorf("%s: error is not located as file:line:col: %s", rel, msg)
		}
		t.Logf("%s\n    want %v\n    got  %s", rel, meta["expectederrormessage"], msg)
	}
	if checked < 25 {
		t.Errorf("only %d error cases checked, the corpus has 28", checked)
	}
}
