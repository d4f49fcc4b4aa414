package lab

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"go.yaml.in/yaml/v3"
)

// testLab is a lab folder in memory: lab.yaml from the given tasks YAML,
// plus extra lab files (advisories, rule tests).
func testLab(t *testing.T, tasks string, files map[string]string) *Lab {
	t.Helper()
	fsys := fstest.MapFS{
		"l/lab.yaml": {Data: []byte(`id: l
title: Test lab
pool: practice
minutes: 5
difficulty: 1
objectives: {"v1": [a.one]}
verified: 2026-12-01
references: [https://example.org/doc]
solution: solution.sh
tasks:
` + tasks)},
		"l/README.md":   {Data: []byte("Do the work.")},
		"l/solution.sh": {Data: []byte("true")},
	}
	for name, data := range files {
		fsys["l/"+name] = &fstest.MapFile{Data: []byte(data)}
	}
	l, diags := Load(fsys, "l", "l")
	if len(diags) > 0 {
		t.Fatalf("lab does not load: %v", diags)
	}
	return l
}

// workspace writes files into a temporary workspace; with git it commits
// them on main.
func workspace(t *testing.T, files map[string]string, git bool) *Workspace {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ws := &Workspace{Dir: dir}
	if git {
		shell(t, ws, "git init -q -b main && git add -A && git commit -q -m 'Initial commit'")
	}
	return ws
}

// shell runs a shell command in the workspace with git's identity set.
func shell(t *testing.T, ws *Workspace, script string) {
	t.Helper()
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir = ws.Dir
	cmd.Env = append(ws.gitEnv(), "GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.org", "GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.org")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
}

// verdict grades the lab and returns the first check's outcome.
func verdict(t *testing.T, l *Lab, ws *Workspace) CheckResult {
	t.Helper()
	rep := Grade(context.Background(), l, ws)
	return rep.Tasks[0].Checks[0]
}

func one(check string) string {
	return "  - id: t\n    title: T\n    checks:\n" + indent(check, "      ")
}

func indent(s, by string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if i == 0 {
			lines[i] = "- " + l
		} else {
			lines[i] = "  " + l
		}
		lines[i] = by + lines[i]
	}
	return strings.Join(lines, "\n") + "\n"
}

func TestChecks(t *testing.T) {
	osv := `[{"id": "GHSA-test-0001", "summary": "Prototype pollution in lodash",
  "affected": [{"package": {"ecosystem": "npm", "name": "lodash"},
    "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}]}]},
 {"id": "GHSA-test-0002", "summary": "Deserialization in Newtonsoft.Json",
  "affected": [{"package": {"ecosystem": "NuGet", "name": "Newtonsoft.Json"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "13.0.1"}]}]}]},
 {"id": "GO-test-0003", "summary": "Denial of service in x/net",
  "affected": [{"package": {"ecosystem": "Go", "name": "golang.org/x/net"},
    "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "0.33.0"}]}]}]},
 {"id": "PYSEC-test-0004", "summary": "Header injection in requests",
  "affected": [{"package": {"ecosystem": "PyPI", "name": "requests"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.32.0"}]}]}]}]`
	ruleTests := `evaluation_interval: 1m
tests:
  - name: errors page
    interval: 1m
    input_series:
      - series: 'http_requests_total{job="api",code="500"}'
        values: '0+60x30'
      - series: 'http_requests_total{job="api",code="200"}'
        values: '0+60x30'
    alert_rule_test:
      - eval_time: 20m
        alertname: HighErrorRate
        exp_alerts:
          - exp_labels: {severity: page, job: api}
  - name: quiet when healthy
    interval: 1m
    input_series:
      - series: 'http_requests_total{job="api",code="200"}'
        values: '0+60x30'
    alert_rule_test:
      - eval_time: 20m
        alertname: HighErrorRate
`
	goodRules := `groups:
  - name: api
    rules:
      - alert: HighErrorRate
        expr: sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m])) > 0.05
        for: 5m
        labels: {severity: page}
        annotations: {summary: "Error rate above 5%", runbook_url: "https://wiki.example.org/runbooks/api-errors"}
`
	pipeline := `trigger:
  branches:
    include: [main]
stages:
  - stage: Build
    jobs:
      - job: Compile
        pool:
          vmImage: ubuntu-latest
        steps:
          - script: echo build
  - stage: Deploy
    dependsOn: Build
    jobs:
      - deployment: Web
        environment: production
        strategy:
          runOnce:
            deploy:
              steps:
                - script: echo deploy
`
	workflow := `name: ci
on:
  push:
    branches: [main]
permissions:
  contents: read
  id-token: write
jobs:
  deploy:
    runs-on: ubuntu-latest
    environment: production
    steps:
      - uses: actions/checkout@v4
      - run: echo hi
`
	tf := `terraform {
  backend "azurerm" {}
}
variable "location" {
  type = string
}
variable "sku" {
  type = string
}
resource "azurerm_resource_group" "rg" {
  name     = "rg-app"
  location = var.location
}
`
	tests := []struct {
		name  string
		check string
		files map[string]string // workspace
		lab   map[string]string // lab files
		git   string            // shell run after the initial commit
		pass  bool
	}{
		{"file exists", "type: file-exists\npath: 'src/**/*.cs'\nfeedback: add it", map[string]string{"src/a/b.cs": "x"}, nil, "", true},
		{"file missing", "type: file-exists\npath: 'src/**/*.cs'\nfeedback: add it", map[string]string{"src/a/b.txt": "x"}, nil, "", false},
		{"file contains", "type: file-contains\npath: a.txt\npattern: 'hello \\w+'\nfeedback: f", map[string]string{"a.txt": "say hello world"}, nil, "", true},
		{"file still contains", "type: file-contains\npath: a.txt\npattern: password\nabsent: true\nfeedback: f", map[string]string{"a.txt": "password=1"}, nil, "", false},
		{"yaml match", "type: yaml\nfile: c.yml\nmatch:\n  - {path: 'jobs.build.steps[name=Test].run', equals: go test ./...}\nfeedback: f",
			map[string]string{"c.yml": "jobs:\n  build:\n    steps:\n      - name: Test\n        run: go test ./...\n"}, nil, "", true},
		{"yaml absent", "type: yaml\nfile: c.yml\nmatch:\n  - {path: 'jobs.build.continue-on-error', absent: true}\nfeedback: f",
			map[string]string{"c.yml": "jobs:\n  build:\n    continue-on-error: true\n"}, nil, "", false},
		{"json count", "type: json\nfile: r.json\nmatch:\n  - {path: 'rules[*]', min_count: 2}\nfeedback: f",
			map[string]string{"r.json": `{"rules": [{"type": "pull_request"}, {"type": "deletion"}]}`}, nil, "", true},
		{"branch", "type: git-branch\nname: feature/x\nfeedback: f", map[string]string{"a": "1"}, nil, "git branch feature/x", true},
		{"branch missing", "type: git-branch\nname: feature/y\nfeedback: f", map[string]string{"a": "1"}, nil, "", false},
		{"annotated tag", "type: git-tag\nname: v1\nannotated: true\nfeedback: f", map[string]string{"a": "1"}, nil, "git tag -a v1 -m rel", true},
		{"lightweight tag", "type: git-tag\nname: v1\nannotated: true\nfeedback: f", map[string]string{"a": "1"}, nil, "git tag v1", false},
		{"commit subject", "type: git-commit\nref: main\nsubject: '^Fix'\nfeedback: f", map[string]string{"a": "1"}, nil, "echo 2 > a && git commit -qam 'Fix a'", true},
		{"linear", "type: git-linear\nref: main\nfeedback: f", map[string]string{"a": "1"}, nil,
			"git checkout -qb f && echo 2 > b && git add b && git commit -qm b && git checkout -q main && echo 3 > c && git add c && git commit -qm c && git merge -q --no-ff --no-edit f", false},
		{"history clean", "type: git-history-absent\npattern: 'AKIA[0-9A-Z]{16}'\nfeedback: f", map[string]string{"a": "1"}, nil, "", true},
		{"history leak", "type: git-history-absent\npattern: 'AKIA[0-9A-Z]{16}'\nfeedback: f", map[string]string{"a": "1"}, nil,
			"echo 'key=AKIAABCDEFGHIJKLMNOP' > k && git add k && git commit -qm k && git rm -q k && git commit -qm rm", false},
		{"history large file", "type: git-history-absent\nmax_size: 100\nfeedback: f", map[string]string{"a": "1"}, nil,
			"head -c 500 /dev/zero > big.bin && git add big.bin && git commit -qm big", false},
		{"sign-off", "type: git-trailer\nref: main\ntrailer: Signed-off-by\nfeedback: f", map[string]string{"a": "1"}, nil,
			"git commit -q --amend -s --no-edit", true},
		{"lfs attribute", "type: git-attribute\npath: art/logo.psd\nattribute: filter\nvalue: lfs\nfeedback: f",
			map[string]string{".gitattributes": "*.psd filter=lfs diff=lfs merge=lfs -text\n"}, nil, "", true},
		{"azure pipeline", "type: azure-pipeline\nfile: azure-pipelines.yml\nmatch:\n  - {path: 'stages[name=Deploy].dependsOn', contains: Build}\n  - {path: 'stages[name=Deploy].jobs[0].kind', equals: deployment}\n  - {path: 'stages[name=Deploy].jobs[0].environment.name', equals: production}\n  - {path: 'trigger.branches.include', contains: main}\n  - {path: 'stages[name=Build].jobs[name=Compile].pool.vmImage', equals: ubuntu-latest}\nfeedback: f",
			map[string]string{"azure-pipelines.yml": pipeline}, nil, "", true},
		{"azure pipeline invalid", "type: azure-pipeline\nfile: azure-pipelines.yml\nfeedback: f",
			map[string]string{"azure-pipelines.yml": "stages:\n  - stage: A\n    dependsOn: Nope\n    jobs:\n      - job: J\n        steps:\n          - script: x\n"}, nil, "", false},
		{"template outside the workspace", "type: azure-pipeline\nfile: p.yml\nfeedback: f",
			map[string]string{"p.yml": "steps:\n  - template: ../../../etc/passwd\n"}, nil, "", false},
		{"workflow", "type: github-workflow\nfile: .github/workflows/ci.yml\nmatch:\n  - {path: 'jobs.deploy.environment', equals: production}\nfeedback: f",
			map[string]string{".github/workflows/ci.yml": workflow}, nil, "", true},
		{"workflow lint error", "type: github-workflow\nfile: .github/workflows/ci.yml\nfeedback: f",
			map[string]string{".github/workflows/ci.yml": strings.Replace(workflow, "runs-on: ubuntu-latest", "runs-on: ubuntu-latest\n    timeout-minutes: soon", 1)}, nil, "", false},
		{"permissions ok", "type: github-permissions\nfile: .github/workflows/ci.yml\nmax: {id-token: write}\nrequire: {id-token: write}\nfeedback: f",
			map[string]string{".github/workflows/ci.yml": workflow}, nil, "", true},
		{"permissions write-all", "type: github-permissions\nfile: .github/workflows/ci.yml\nmax: {id-token: write}\nfeedback: f",
			map[string]string{".github/workflows/ci.yml": strings.Replace(workflow, "permissions:\n  contents: read\n  id-token: write", "permissions: write-all", 1)}, nil, "", false},
		{"permissions default", "type: github-permissions\nfile: .github/workflows/ci.yml\nfeedback: f",
			map[string]string{".github/workflows/ci.yml": strings.Replace(workflow, "permissions:\n  contents: read\n  id-token: write\n", "", 1)}, nil, "", false},
		{"npm vulnerable", "type: dependencies\nmanifest: package-lock.json\necosystem: npm\nadvisories: osv.json\nfeedback: f",
			map[string]string{"package-lock.json": `{"lockfileVersion": 3, "packages": {"": {}, "node_modules/lodash": {"version": "4.17.20"}}}`}, map[string]string{"osv.json": osv}, "", false},
		{"npm fixed", "type: dependencies\nmanifest: package-lock.json\necosystem: npm\nadvisories: osv.json\nfeedback: f",
			map[string]string{"package-lock.json": `{"lockfileVersion": 3, "packages": {"": {}, "node_modules/lodash": {"version": "4.17.21"}}}`}, map[string]string{"osv.json": osv}, "", true},
		{"nuget csproj vulnerable", "type: dependencies\nmanifest: App.csproj\necosystem: NuGet\nadvisories: osv.json\nfeedback: f",
			map[string]string{"App.csproj": `<Project Sdk="Microsoft.NET.Sdk"><ItemGroup><PackageReference Include="Newtonsoft.Json" Version="12.0.3" /></ItemGroup></Project>`}, map[string]string{"osv.json": osv}, "", false},
		{"go fixed", "type: dependencies\nmanifest: go.mod\necosystem: Go\nadvisories: osv.json\nfeedback: f",
			map[string]string{"go.mod": "module x\n\ngo 1.22\n\nrequire golang.org/x/net v0.33.0\n"}, map[string]string{"osv.json": osv}, "", true},
		{"pip vulnerable", "type: dependencies\nmanifest: requirements.txt\necosystem: PyPI\nadvisories: osv.json\nfeedback: f",
			map[string]string{"requirements.txt": "flask==3.0.0\nrequests==2.31.0\n"}, map[string]string{"osv.json": osv}, "", false},
		{"dependabot", "type: dependabot\necosystem: npm\ndirectory: /\nintervals: [daily, weekly]\nfeedback: f",
			map[string]string{".github/dependabot.yml": "version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule:\n      interval: weekly\n"}, nil, "", true},
		{"dependabot missing ecosystem", "type: dependabot\necosystem: nuget\ndirectory: /\nfeedback: f",
			map[string]string{".github/dependabot.yml": "version: 2\nupdates:\n  - package-ecosystem: npm\n    directory: /\n    schedule:\n      interval: weekly\n"}, nil, "", false},
		{"secrets in tree", "type: no-secrets\nfeedback: f", map[string]string{"app.config": "AWS_ACCESS_KEY_ID=AKIAQWERTYUIOPASDFGH\n"}, nil, "", false},
		{"no secrets", "type: no-secrets\nscope: all\nfeedback: f", map[string]string{"app.config": "key = ${KEY_VAULT_SECRET}\n"}, nil, "", true},
		{"secret in history", "type: no-secrets\nscope: history\nfeedback: f", map[string]string{"a": "1"}, nil,
			"echo 'aws_access_key_id = AKIAZ3MHJQNXWPL7RTYB' > t && git add t && git commit -qm t && git rm -q t && git commit -qm rm", false},
		{"terraform", "type: terraform\nbackend: azurerm\nvariables: [{name: location, type: string, no_default: true}]\nresources: [azurerm_resource_group.rg]\nno_secrets: true\ntfvars: {env/dev.tfvars: [location, sku]}\nfeedback: f",
			map[string]string{"main.tf": tf, "env/dev.tfvars": "location = \"westeurope\"\nsku = \"B1\"\n"}, nil, "", true},
		{"terraform literal secret", "type: terraform\nno_secrets: true\nfeedback: f",
			map[string]string{"main.tf": tf + "resource \"azurerm_mssql_server\" \"db\" {\n  administrator_login_password = \"P@ssw0rd123!\"\n}\n"}, nil, "", false},
		{"terraform syntax", "type: terraform\nfeedback: f", map[string]string{"main.tf": "resource \"x\" {"}, nil, "", false},
		{"bicepparam", "type: bicep-params\nfile: main.prod.bicepparam\nusing: main.bicep\nparams: [location]\nno_literal: [adminPassword]\nfeedback: f",
			map[string]string{"main.prod.bicepparam": "using 'main.bicep'\nparam location = 'westeurope'\nparam adminPassword = getSecret('sub', 'rg', 'kv', 'admin')\n"}, nil, "", true},
		{"bicepparam literal", "type: bicep-params\nfile: main.prod.bicepparam\nno_literal: [adminPassword]\nfeedback: f",
			map[string]string{"main.prod.bicepparam": "using 'main.bicep'\nparam adminPassword = 'hunter2'\n"}, nil, "", false},
		{"prometheus rules", "type: prometheus-rules\nfile: rules.yml\nalerts: [HighErrorRate]\nlabels: [severity]\nannotations: [summary, runbook_url]\nmin_for: 2m\nfeedback: f",
			map[string]string{"rules.yml": goodRules}, nil, "", true},
		{"prometheus rules bad expr", "type: prometheus-rules\nfile: rules.yml\nfeedback: f",
			map[string]string{"rules.yml": strings.Replace(goodRules, "> 0.05", "> > 0.05", 1)}, nil, "", false},
		{"rule tests pass", "type: prometheus-rule-tests\nrules: rules.yml\ntests: tests.yml\nfeedback: f",
			map[string]string{"rules.yml": goodRules}, map[string]string{"tests.yml": ruleTests}, "", true},
		{"rule tests: pages on healthy traffic", "type: prometheus-rule-tests\nrules: rules.yml\ntests: tests.yml\nfeedback: f",
			map[string]string{"rules.yml": strings.Replace(goodRules, `sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) / sum by (job) (rate(http_requests_total[5m])) > 0.05`, `sum by (job) (rate(http_requests_total[5m])) > 0`, 1)}, map[string]string{"tests.yml": ruleTests}, "", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := testLab(t, one(tc.check), tc.lab)
			ws := workspace(t, tc.files, strings.HasPrefix(l.Tasks[0].Checks[0].Type, "git-") || strings.Contains(tc.check, "history") || tc.git != "")
			if tc.git != "" {
				shell(t, ws, tc.git)
			}
			got := verdict(t, l, ws)
			if got.Passed != tc.pass {
				t.Fatalf("passed %v, want %v: %s", got.Passed, tc.pass, got.Detail)
			}
			if !got.Passed && got.Feedback == "" {
				t.Fatal("a failed check has no feedback")
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct{ name, tasks, want string }{
		{"unknown type", one("type: git-banana\nfeedback: f"), `check type "git-banana" must be one of`},
		{"unknown parameter", one("type: git-branch\nname: x\ncolour: red\nfeedback: f"), `field colour not found`},
		{"missing feedback", one("type: git-branch\nname: x"), `feedback (shown when it fails) is missing`},
		{"bad regexp", one("type: file-contains\npath: a\npattern: '('\nfeedback: f"), `pattern must be a regular expression`},
		{"path outside", one("type: yaml\nfile: ../etc/passwd\nmatch: [{path: a}]\nfeedback: f"), `must be a relative path inside the workspace`},
		{"bad query", one("type: yaml\nfile: a.yml\nmatch: [{path: 'a[x'}]\nfeedback: f"), `unclosed [`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{
				"l/lab.yaml":  {Data: []byte("id: l\ntitle: T\npool: practice\nminutes: 5\ndifficulty: 1\nobjectives: {v1: [a]}\nverified: 2026-12-01\nreferences: [https://example.org]\nsolution: s.sh\ntasks:\n" + tc.tasks)},
				"l/README.md": {Data: []byte("x")},
				"l/s.sh":      {Data: []byte("true")},
			}
			_, diags := Load(fsys, "l", "content/l")
			all := ""
			for _, d := range diags {
				all += d.String() + "\n"
			}
			if !strings.Contains(all, tc.want) || !strings.Contains(all, "content/l/lab.yaml:") {
				t.Fatalf("diagnostics:\n%s\nwant one with %q", all, tc.want)
			}
		})
	}
}

// TestExamLabsRunNothing: an exam lab may not use a check that runs the
// workspace's scripts, and the server skips such checks anyway.
func TestExamLabsRunNothing(t *testing.T) {
	fsys := fstest.MapFS{
		"l/lab.yaml":  {Data: []byte("id: l\ntitle: T\npool: exam\nminutes: 5\ndifficulty: 1\nobjectives: {v1: [a]}\nverified: 2026-12-01\nreferences: [https://example.org]\nsolution: s.sh\ntasks:\n" + one("type: azure-pipeline-run\nfile: p.yml\nfeedback: f"))},
		"l/README.md": {Data: []byte("x")},
		"l/s.sh":      {Data: []byte("true")},
	}
	_, diags := Load(fsys, "l", "l")
	if len(diags) == 0 || !strings.Contains(diags[0].Message, "exam labs are graded on the server") {
		t.Fatalf("an exam lab with a script-running check loads: %v", diags)
	}
	l := testLab(t, one("type: azure-pipeline-run\nfile: p.yml\nfeedback: f"), nil)
	ws := workspace(t, map[string]string{"p.yml": "steps:\n  - script: touch ran\n"}, false)
	ws.Server = true
	got := verdict(t, l, ws)
	if got.Passed || !got.Skipped {
		t.Fatalf("the server ran a script check: %+v", got)
	}
	if _, err := os.Stat(filepath.Join(ws.Dir, "ran")); err == nil {
		t.Fatal("the script ran on the server")
	}
}

func TestQuery(t *testing.T) {
	var doc any
	if err := yaml.Unmarshal([]byte("a:\n  b: [{n: x, v: 1, p: {q: r}}, {n: y, v: 2, p: {q: s}}]\n  'c.d': ok\n"), &doc); err != nil {
		t.Fatal(err)
	}
	doc = normalize(doc)
	cases := map[string]string{"a.b[1].v": "2", "a.b[n=x].v": "1", "a.b[p.q=s].n": "y", "a.b[p=s].n": "", "a.b[*].n": "x, y", `a.["c.d"]`: "ok", "a.zz": ""}
	for path, want := range cases {
		q, err := parseQuery(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if got := preview(q.eval(doc)); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
}

// TestLowerCamel: the expanded model's keys are the ones the pipeline YAML
// uses, including fields whose Go names start with an acronym.
func TestLowerCamel(t *testing.T) {
	for in, want := range map[string]string{"DependsOn": "dependsOn", "VMImage": "vmImage", "PR": "pr", "OS": "os",
		"Name": "name", "MaxParallel": "maxParallel", "ID": "id", "x": "x", "": ""} {
		t.Run(in, func(t *testing.T) {
			if got := lowerCamel(in); got != want {
				t.Errorf("lowerCamel(%q) = %q, want %q", in, got, want)
			}
		})
	}
}

// TestMatchAlternatives: a path of alternatives joined by " | " selects the
// values of each, so a setting written at either of two levels passes; none
// wants no selected value to pass the test.
func TestMatchAlternatives(t *testing.T) {
	var doc any
	if err := yaml.Unmarshal([]byte("stages:\n  - name: Prod\n    pool: {name: Private}\n    jobs: [{name: J}]\n  - name: Test\n    jobs: [{name: K, pool: {name: Hosted}}]\n  - name: 'a | b'\n"), &doc); err != nil {
		t.Fatal(err)
	}
	doc = normalize(doc)
	eq := func(s string) *string { return &s }
	tests := []struct {
		name string
		m    Match
		pass bool
	}{
		{"stage level", Match{Path: "stages[name=Prod].pool.name | stages[name=Prod].jobs[*].pool.name", Equals: eq("Private")}, true},
		{"job level", Match{Path: "stages[name=Test].pool.name | stages[name=Test].jobs[*].pool.name", Equals: eq("Hosted")}, true},
		{"neither level", Match{Path: "stages[name=Test].pool.name | stages[name=Test].jobs[*].pool.name", Equals: eq("Private")}, false},
		{"all of the union", Match{Path: "stages[0].pool.name | stages[1].jobs[*].pool.name", Equals: eq("Private"), All: true}, false},
		{"absent from both", Match{Path: "stages[name=Test].pool | stages[name=Test].jobs[*].pool", Absent: true}, false},
		{"bar inside a quoted key", Match{Path: `stages[*].["a | b"]`, Absent: true}, true},
		{"none of them", Match{Path: "stages[*].jobs[*].pool.name | stages[*].pool.name", Matches: "^Pri", None: true}, false},
		{"none matches", Match{Path: "stages[*].jobs[*].pool.name", Matches: "^Pri", None: true}, true},
		{"none selected", Match{Path: "stages[*].jobs[*].container", Equals: eq("x"), None: true}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.m.validate(); err != nil {
				t.Fatal(err)
			}
			if o := tt.m.test(doc); o.Pass != tt.pass {
				t.Errorf("pass = %v, want %v (%s)", o.Pass, tt.pass, o.Detail)
			}
		})
	}
	for _, bad := range []Match{{Path: "a", None: true}, {Path: "a", Equals: eq("x"), None: true, All: true}} {
		if bad.validate() == nil {
			t.Errorf("%+v validates, want an error", bad)
		}
	}
	if got := alternatives(`a.b | ["x | y"].c | d`); len(got) != 3 || got[1] != `["x | y"].c` {
		t.Errorf("alternatives = %q", got)
	}
}

// TestPipelineRunRan: ran wants the listed jobs to have run to success; a
// run that succeeds because a condition skipped them does not pass.
func TestPipelineRunRan(t *testing.T) {
	p := `stages:
  - stage: Build
    jobs:
      - job: Detect
        steps:
          - bash: echo "##vso[task.setvariable variable=changed;isOutput=true]$(CHANGED)"
            name: check
  - stage: Deploy
    condition: and(succeeded(), eq(dependencies.Build.outputs['Detect.check.changed'], 'true'))
    jobs:
      - job: Ship
        steps:
          - bash: echo shipped
`
	tests := []struct {
		name, check string
		pass        bool
	}{
		{"deploy ran", "type: azure-pipeline-run\nfile: p.yml\nvariables: {CHANGED: 'true'}\nran: [Build.Detect, Deploy.Ship]\nfeedback: f", true},
		{"deploy skipped", "type: azure-pipeline-run\nfile: p.yml\nvariables: {CHANGED: 'false'}\nran: [Deploy.Ship]\nfeedback: f", false},
		{"skipped but not asked", "type: azure-pipeline-run\nfile: p.yml\nvariables: {CHANGED: 'false'}\nran: [Build.Detect]\nfeedback: f", true},
		{"no such job", "type: azure-pipeline-run\nfile: p.yml\nvariables: {CHANGED: 'true'}\nran: [Deploy.Nope]\nfeedback: f", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := testLab(t, one(tt.check), nil)
			got := verdict(t, l, workspace(t, map[string]string{"p.yml": p}, false))
			t.Log(got.Detail)
			if got.Passed != tt.pass {
				t.Errorf("passed = %v, want %v (%s)", got.Passed, tt.pass, got.Detail)
			}
		})
	}
	l := testLab(t, one("type: azure-pipeline-run\nfile: p.yml\nfeedback: f"), nil)
	failing := "steps:\n  - bash: |\n      echo '##vso[task.logissue type=error]no version given'\n      exit 1\n"
	if got := verdict(t, l, workspace(t, map[string]string{"p.yml": failing}, false)); got.Passed || !strings.Contains(got.Detail, "no version given") {
		t.Errorf("a failed job's detail does not give the error it logged: %q", got.Detail)
	}
	fsys := fstest.MapFS{
		"l/lab.yaml":  {Data: []byte("id: l\ntitle: T\npool: practice\nminutes: 5\ndifficulty: 1\nobjectives: {v1: [a]}\nverified: 2026-12-01\nreferences: [https://example.org]\nsolution: s.sh\ntasks:\n" + one("type: azure-pipeline\nfile: p.yml\nran: [A.B]\nfeedback: f"))},
		"l/README.md": {Data: []byte("x")},
		"l/s.sh":      {Data: []byte("true")},
	}
	if _, diags := Load(fsys, "l", "l"); len(diags) == 0 || !strings.Contains(diags[0].Message, "ran applies to azure-pipeline-run only") {
		t.Errorf("ran on a static check loads: %v", diags)
	}
}
