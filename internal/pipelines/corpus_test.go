package pipelines

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"
)

// The real-world corpus (testdata/corpus, README.md there): top-level
// pipelines of public repositories with the templates they use, stand-ins
// for private template repositories, and pipelines.tsv, which classifies
// every pipeline:
//
//	ok        expands and validates (with the queue-time parameters given)
//	fail      the service runs it but certlab cannot expand it here (explained)
//	broken    fails on the service too (a template was deleted upstream)
//	template  not a pipeline (a template that looks like one)
//
// ok and fail make up "the pipelines the service runs".
const corpusDir = "testdata/corpus"

// corpusRepositories maps the repository resources the corpus names to
// folders of the corpus: the stand-ins and partial copies of other public
// repositories.
var corpusRepositories = map[string]string{
	"1ESPipelineTemplates/1ESPipelineTemplates":    "standins/1ESPipelineTemplates/1ESPipelineTemplates",
	"1ESPipelineTemplates/OfficePipelineTemplates": "standins/1ESPipelineTemplates/OfficePipelineTemplates",
	"OneBranch.Pipelines/GovernedTemplates":        "standins/OneBranch.Pipelines/GovernedTemplates",
	"PowerShell/compliance":                        "standins/PowerShell/compliance",
	"Azure/azure-sdk-for-net":                      "repos/Azure+azure-sdk-for-net",
	"Azure/azure-sdk-for-java":                     "repos/Azure+azure-sdk-for-java",
	"Azure/azure-sdk-for-js":                       "repos/Azure+azure-sdk-for-js",
	"Azure/azure-sdk-for-python":                   "repos/Azure+azure-sdk-for-python",
	"Azure/azure-sdk-for-cpp":                      "repos/Azure+azure-sdk-for-cpp",
}

type corpusEntry struct {
	repo, file, class string
	params            map[string]string
	wantErr, note     string
	line              int
}

func readCorpus(tb testing.TB) []corpusEntry {
	tb.Helper()
	f, err := os.Open(filepath.Join(corpusDir, "pipelines.tsv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []corpusEntry
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 6 {
			tb.Fatalf("pipelines.tsv:%d: %d columns, want 6", n, len(cols))
		}
		e := corpusEntry{repo: cols[0], file: cols[1], class: cols[2], wantErr: cols[4], note: cols[5], line: n, params: map[string]string{}}
		for _, kv := range strings.Split(cols[3], ";") {
			if k, v, ok := strings.Cut(kv, "="); ok {
				e.params[k] = v
			}
		}
		switch e.class {
		case "ok":
		case "fail", "broken", "template":
			if e.note == "" {
				tb.Errorf("pipelines.tsv:%d: a %s pipeline needs its explanation", n, e.class)
			}
		default:
			tb.Fatalf("pipelines.tsv:%d: unknown class %q", n, e.class)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

// corpusOptions are the options a corpus pipeline is expanded with. The
// repositories come from CERTLAB_CORPUS_SOURCE when it is set (full copies
// of the repositories, to rebuild the corpus; see README.md).
func corpusOptions(tb testing.TB, e corpusEntry) (string, Options) {
	tb.Helper()
	base, err := filepath.Abs(corpusDir)
	if err != nil {
		tb.Fatal(err)
	}
	repos := filepath.Join(base, "repos")
	if src := os.Getenv("CERTLAB_CORPUS_SOURCE"); src != "" {
		repos = src
	}
	opts := Options{Root: filepath.Join(repos, e.repo), Parameters: e.params, Repositories: map[string]string{}}
	for name, dir := range corpusRepositories {
		opts.Repositories[name] = filepath.Join(base, dir)
		if src := os.Getenv("CERTLAB_CORPUS_SOURCE"); src != "" && strings.HasPrefix(dir, "repos/") {
			opts.Repositories[name] = filepath.Join(src, strings.TrimPrefix(dir, "repos/"))
		}
	}
	return filepath.Join(opts.Root, filepath.FromSlash(e.file)), opts
}

func expandAndValidate(file string, opts Options) error {
	doc, err := Expand(file, opts)
	if err != nil {
		return err
	}
	_, err = Validate(doc)
	return err
}

// TestRealWorldCorpus expands and validates every pipeline of the corpus,
// checks each against its class in pipelines.tsv and requires that at least
// 95 % of the pipelines the service runs expand and validate. Run with -v
// for the table by repository.
func TestRealWorldCorpus(t *testing.T) {
	entries := readCorpus(t)
	var reads map[string]bool
	record := os.Getenv("CERTLAB_CORPUS_READS")
	if record != "" {
		reads = map[string]bool{}
	}
	type tally struct{ ok, fail, broken, template int }
	byRepo := map[string]*tally{}
	total := &tally{}
	for _, e := range entries {
		file, opts := corpusOptions(t, e)
		if reads != nil {
			opts.ReadFile = func(name string) ([]byte, error) {
				reads[name] = true
				return os.ReadFile(name)
			}
		}
		err := expandAndValidate(file, opts)
		where := fmt.Sprintf("pipelines.tsv:%d %s/%s", e.line, e.repo, e.file)
		switch {
		case e.class == "ok" && err != nil:
			t.Errorf("%s: classified ok, but: %v", where, firstLine(err.Error()))
		case e.class != "ok" && err == nil && e.class != "template":
			t.Errorf("%s: classified %s, but it expands and validates", where, e.class)
		case e.class != "ok" && err != nil && !strings.Contains(err.Error(), e.wantErr):
			t.Errorf("%s: error %q does not contain %q", where, firstLine(err.Error()), e.wantErr)
		}
		tl := byRepo[e.repo]
		if tl == nil {
			tl = &tally{}
			byRepo[e.repo] = tl
		}
		for _, x := range []*tally{tl, total} {
			switch e.class {
			case "ok":
				x.ok++
			case "fail":
				x.fail++
			case "broken":
				x.broken++
			case "template":
				x.template++
			}
		}
	}
	repos := make([]string, 0, len(byRepo))
	for r := range byRepo {
		repos = append(repos, r)
	}
	sort.Strings(repos)
	var sb strings.Builder
	fmt.Fprintf(&sb, "\n%-40s %5s %5s %5s %7s %9s\n", "repository", "runs", "pass", "fail", "broken", "template")
	for _, r := range repos {
		x := byRepo[r]
		fmt.Fprintf(&sb, "%-40s %5d %5d %5d %7d %9d\n", strings.Replace(r, "+", "/", 1), x.ok+x.fail, x.ok, x.fail, x.broken, x.template)
	}
	runs := total.ok + total.fail
	rate := 100 * float64(total.ok) / float64(max(runs, 1))
	fmt.Fprintf(&sb, "%-40s %5d %5d %5d %7d %9d\n", "total", runs, total.ok, total.fail, total.broken, total.template)
	t.Logf("corpus: %d pipelines from %d repositories; %d of the %d the service runs expand and validate (%.1f %%)%s", len(entries), len(repos), total.ok, runs, rate, sb.String())
	if len(entries) < 150 || len(repos) < 10 {
		t.Errorf("the corpus has %d pipelines from %d repositories, want at least 150 from 10", len(entries), len(repos))
	}
	if rate < 95 {
		t.Errorf("pass rate %.1f %% is below 95 %%", rate)
	}
	var md strings.Builder
	md.WriteString("| repository | pipelines | run by the service | expand and validate | fail | broken upstream | not pipelines |\n|---|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range repos {
		x := byRepo[r]
		fmt.Fprintf(&md, "| %s | %d | %d | %d | %d | %d | %d |\n", strings.Replace(r, "+", "/", 1), x.ok+x.fail+x.broken+x.template, x.ok+x.fail, x.ok, x.fail, x.broken, x.template)
	}
	fmt.Fprintf(&md, "| **total** | %d | %d | %d (%.1f %%) | %d | %d | %d |\n", len(entries), runs, total.ok, rate, total.fail, total.broken, total.template)
	checkDocTable(t, "corpus-table", md.String())
	if record != "" {
		names := make([]string, 0, len(reads))
		for n := range reads {
			names = append(names, n)
		}
		sort.Strings(names)
		if err := os.WriteFile(record, []byte(strings.Join(names, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCorpusManifest checks that every repository of the corpus is recorded
// in MANIFEST.tsv with its commit and licence, and that its licence text
// sits beside its files.
func TestCorpusManifest(t *testing.T) {
	f, err := os.Open(filepath.Join(corpusDir, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recorded := map[string]bool{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 5 {
			t.Fatalf("MANIFEST.tsv:%d: %d columns, want 5 (folder, repository, commit, licence, licence file)", n, len(cols))
		}
		folder, commit, licence, licenceFile := cols[0], cols[2], cols[3], cols[4]
		recorded[folder] = true
		if len(commit) != 40 && !strings.HasPrefix(commit, "per file") {
			t.Errorf("MANIFEST.tsv:%d: commit %q is not a full hash", n, commit)
		}
		switch licence {
		case "MIT", "BSD-3-Clause", "Apache-2.0":
		default:
			t.Errorf("MANIFEST.tsv:%d: licence %q does not allow copying as recorded", n, licence)
		}
		if _, err := os.Stat(filepath.Join(corpusDir, "repos", folder, licenceFile)); err != nil {
			t.Errorf("MANIFEST.tsv:%d: licence text: %v", n, err)
		}
	}
	entries, err := os.ReadDir(filepath.Join(corpusDir, "repos"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !recorded[e.Name()] {
			t.Errorf("repos/%s is not recorded in MANIFEST.tsv", e.Name())
		}
	}
	for _, e := range readCorpus(t) {
		if !recorded[e.repo] {
			t.Errorf("pipelines.tsv:%d: repository %s is not in MANIFEST.tsv", e.line, e.repo)
		}
	}
}

// BenchmarkRealWorldCorpus expands and validates every pipeline of the
// corpus once per iteration (target: the whole corpus in under 15 s) and
// reports the slowest pipeline's mean time (target: under 200 ms each).
func BenchmarkRealWorldCorpus(b *testing.B) {
	entries := readCorpus(b)
	type prepared struct {
		name, file string
		opts       Options
	}
	var all []prepared
	for _, e := range entries {
		if e.class != "ok" {
			continue
		}
		file, opts := corpusOptions(b, e)
		all = append(all, prepared{e.repo + "/" + e.file, file, opts})
	}
	spent := map[string]time.Duration{}
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range all {
			start := time.Now()
			if err := expandAndValidate(p.file, p.opts); err != nil {
				b.Fatalf("%s: %v", p.name, err)
			}
			spent[p.name] += time.Since(start)
		}
	}
	var worst time.Duration
	var worstName string
	for n, d := range spent {
		if d > worst {
			worst, worstName = d, n
		}
	}
	worst /= time.Duration(b.N)
	b.ReportMetric(float64(len(all)), "pipelines/op")
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/corpus")
	b.ReportMetric(float64(worst.Microseconds())/1000, "max-ms/pipeline")
	b.Logf("slowest pipeline: %s (%s)", worstName, worst.Round(time.Microsecond))
}

// checkDocTable compares a generated table with the one docs/pipelines.md
// holds between <!-- name --> and <!-- /name --> (go test -update writes it).
func checkDocTable(t *testing.T, name, table string) {
	t.Helper()
	doc := docsFile(t)
	data, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	open, end := "<!-- "+name+" -->\n", "<!-- /"+name+" -->"
	i, j := strings.Index(string(data), open), strings.Index(string(data), end)
	if i < 0 || j < i {
		t.Fatalf("docs/pipelines.md has no %s section", name)
	}
	current := string(data)[i+len(open) : j]
	if current == table {
		return
	}
	if *update {
		out := string(data)[:i+len(open)] + table + string(data)[j:]
		if err := os.WriteFile(doc, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Errorf("the %s table of docs/pipelines.md is out of date (go test -run TestRealWorldCorpus -update rewrites it); want:\n%s", name, table)
}

// docsFile is docs/pipelines.md of the module this package is in.
func docsFile(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "docs", "pipelines.md")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the package")
		}
		dir = parent
	}
}
