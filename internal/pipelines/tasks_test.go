package pipelines

import (
	"archive/zip"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// runDir expands, validates and runs a pipeline in a folder of files.
func runDir(t *testing.T, files map[string]string, opts RunOptions) (*RunResult, string) {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	doc, err := Expand(filepath.Join(dir, "pipeline.yml"), Options{})
	if err != nil {
		t.Fatalf("expand: %v", err)
	}
	p, err := Validate(doc)
	if err != nil {
		t.Fatalf("validate: %v", err)
	}
	var log bytes.Buffer
	opts.SourcesDir, opts.WorkDir, opts.Stdout = dir, filepath.Join(t.TempDir(), "work"), &log
	res, err := Run(context.Background(), p, opts)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return res, log.String()
}

func stepResult(t *testing.T, jr *JobResult, display string) *StepResult {
	t.Helper()
	for _, s := range jr.Steps {
		if s.Display == display {
			return s
		}
	}
	t.Fatalf("job %s has no step %q", jr.Name, display)
	return nil
}

// TestRunNativeTasks builds files with the script tasks, copies, archives
// and publishes them in one stage, and downloads and extracts them in the
// next, through the local artifact store.
func TestRunNativeTasks(t *testing.T) {
	requireBash(t)
	t.Parallel()
	res, log := runDir(t, map[string]string{
		"scripts/hello.sh": "echo \"hello $1 from $(basename \"$PWD\")\"\n",
		"pipeline.yml": `
variables:
  greeting: hi
stages:
- stage: Build
  jobs:
  - job: make
    steps:
    - task: CmdLine@2
      displayName: make files
      inputs:
        script: |
          mkdir -p out/sub
          echo one > out/a.txt
          echo two > out/sub/b.txt
          echo skip > out/c.log
    - task: Bash@3
      displayName: inline bash
      inputs:
        targetType: inline
        script: echo "bash says $(greeting)"
    - task: Bash@3
      displayName: bash file
      inputs:
        filePath: scripts/hello.sh
        arguments: world
        workingDirectory: out
    - task: CopyFiles@2
      inputs:
        SourceFolder: out
        Contents: |
          **
          !**/*.log
        TargetFolder: $(Build.ArtifactStagingDirectory)/copy
    - task: ArchiveFiles@2
      inputs:
        rootFolderOrFile: $(Build.ArtifactStagingDirectory)/copy
        includeRootFolder: false
        archiveFile: $(Build.ArtifactStagingDirectory)/pkg/app.zip
    - task: ArchiveFiles@2
      inputs:
        rootFolderOrFile: out/sub
        archiveType: tar
        archiveFile: $(Build.ArtifactStagingDirectory)/pkg/sub.tar.gz
    - task: PublishPipelineArtifact@1
      inputs:
        targetPath: $(Build.ArtifactStagingDirectory)/pkg
        artifact: pkg
    - publish: out
      artifact: raw
    - task: PublishBuildArtifacts@1
      inputs:
        PathtoPublish: out/sub
        ArtifactName: drop
    - task: DeleteFiles@1
      inputs:
        SourceFolder: out
        Contents: '*.log'
    - bash: test ! -e out/c.log && test -e out/a.txt
      displayName: log deleted
- stage: Test
  jobs:
  - job: check
    steps:
    - task: DownloadPipelineArtifact@2
      inputs:
        artifact: pkg
        path: $(Pipeline.Workspace)/pkg
    - download: current
      artifact: raw
    - task: DownloadBuildArtifacts@1
      inputs:
        artifactName: drop
    - task: ExtractFiles@1
      inputs:
        archiveFilePatterns: |
          $(Pipeline.Workspace)/pkg/*.zip
          $(Pipeline.Workspace)/pkg/*.tar.gz
        destinationFolder: $(Pipeline.Workspace)/unpacked
    - bash: |
        set -e
        test "$(cat $(Pipeline.Workspace)/unpacked/a.txt)" = one
        test -e $(Pipeline.Workspace)/unpacked/sub/b.txt
        test ! -e $(Pipeline.Workspace)/unpacked/c.log
        test -e $(Pipeline.Workspace)/unpacked/sub/b.txt
        test -e $(Pipeline.Workspace)/raw/c.log
        test -e $(System.ArtifactsDirectory)/drop/b.txt
      displayName: check downloads
    - task: DownloadPipelineArtifact@2
      displayName: other pipeline
      inputs:
        source: specific
        pipeline: 12
        artifact: x
    - task: NuGetCommand@2
      inputs:
        command: restore
`,
	}, RunOptions{})
	if !res.Succeeded() {
		t.Fatalf("run %s:\n%s", res.Result, log)
	}
	make := jobResult(t, res, "make")
	for _, want := range []string{"bash says hi", "hello world from out", "copied 2 file(s)", "published 2 file(s)", "removed 1 item(s)"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q", want)
		}
	}
	if s := stepResult(t, make, "log deleted"); s.Result != Succeeded {
		t.Errorf("log deleted: %s %s", s.Result, s.Reason)
	}
	check := jobResult(t, res, "check")
	if s := stepResult(t, check, "check downloads"); s.Result != Succeeded {
		t.Errorf("downloads: %s %s\n%s", s.Result, s.Reason, log)
	}
	if s := stepResult(t, check, "other pipeline"); s.Result != Skipped || !strings.Contains(s.Reason, "not available locally") {
		t.Errorf("download of another pipeline: %s %q", s.Result, s.Reason)
	}
	if s := stepResult(t, check, "NuGetCommand@2"); s.Result != Skipped || !strings.Contains(s.Reason, "the task NuGetCommand@2 is not run locally") {
		t.Errorf("unknown task: %s %q", s.Result, s.Reason)
	}
}

func TestRunTaskFailures(t *testing.T) {
	requireBash(t)
	t.Parallel()
	res, log := runDir(t, map[string]string{"pipeline.yml": `
jobs:
- job: A
  steps:
  - script: echo never
    displayName: missing folder
    workingDirectory: does/not/exist
    continueOnError: true
  - task: PublishPipelineArtifact@1
    displayName: publish twice 1
    inputs:
      targetPath: pipeline.yml
      artifact: same
  - task: PublishPipelineArtifact@1
    displayName: publish twice 2
    continueOnError: true
    inputs:
      targetPath: pipeline.yml
      artifact: same
  - task: ArchiveFiles@2
    displayName: 7z
    continueOnError: true
    inputs:
      rootFolderOrFile: pipeline.yml
      archiveType: 7z
  - task: CopyFiles@2
    displayName: no target
    continueOnError: true
    inputs:
      Contents: '**'
`}, RunOptions{})
	a := jobResult(t, res, "A")
	tests := []struct{ step, reason string }{
		{"missing folder", "/does/not/exist does not exist"},
		{"publish twice 2", "an artifact named same was already published in this run"},
		{"7z", "7z archives need 7-Zip"},
		{"no target", "the TargetFolder input is required"},
	}
	for _, tt := range tests {
		s := stepResult(t, a, tt.step)
		want := tt.reason
		if s.Result != SucceededWithIssues || !strings.Contains(s.Reason, want) {
			t.Errorf("%s: %s %q, want it to fail (continueOnError) with %q\n%s", tt.step, s.Result, s.Reason, want, log)
		}
		if strings.Contains(s.Reason, "exit code -1") {
			t.Errorf("%s: reason %q", tt.step, s.Reason)
		}
	}
}

// TestRunPwshTask runs PowerShell@2 when pwsh is installed, and reports it
// skipped with the reason when it is not.
func TestRunPwshTask(t *testing.T) {
	requireBash(t)
	t.Parallel()
	res, log := runDir(t, map[string]string{"pipeline.yml": `
steps:
- task: PowerShell@2
  displayName: pwsh
  inputs:
    targetType: inline
    pwsh: true
    script: Write-Host "sum $(1 + 2)"
`}, RunOptions{})
	s := stepResult(t, jobResult(t, res, "Job"), "pwsh")
	if _, err := exec.LookPath("pwsh"); err != nil {
		if s.Result != Skipped || s.Reason != "pwsh is not installed" {
			t.Errorf("without pwsh: %s %q", s.Result, s.Reason)
		}
		return
	}
	if s.Result != Succeeded || !strings.Contains(log, "sum 3") {
		t.Errorf("pwsh: %s %q\n%s", s.Result, s.Reason, log)
	}
}

// TestRunPoolHostOS skips jobs whose pool asks for another operating system
// unless HostOSAny is set.
func TestRunPoolHostOS(t *testing.T) {
	requireBash(t)
	t.Parallel()
	other := osWindows
	if hostOS() == osWindows {
		other = osLinux
	}
	files := map[string]string{"pipeline.yml": `
jobs:
- job: hosted
  pool:
    vmImage: ` + map[string]string{osWindows: "windows-latest", osLinux: "ubuntu-latest"}[other] + `
  steps:
  - script: echo hosted
- job: onees
  pool:
    name: Azure-Pipelines-1ESPT-ExDShared
    image: some-image
    os: ` + strings.ToLower(other) + `
  steps:
  - script: echo 1es
- job: after
  dependsOn: hosted
  steps:
  - script: echo after
- job: here
  steps:
  - script: echo here
`}
	res, log := runDir(t, files, RunOptions{})
	for _, name := range []string{"hosted", "onees"} {
		j := jobResult(t, res, name)
		if j.Result != Skipped || !strings.Contains(j.Reason, "the pool asks for "+other) || !strings.Contains(j.Reason, "--host-os-any") {
			t.Errorf("%s: %s %q\n%s", name, j.Result, j.Reason, log)
		}
	}
	if j := jobResult(t, res, "after"); j.Result != Skipped {
		t.Errorf("a job depending on a skipped job: %s", j.Result)
	}
	if j := jobResult(t, res, "here"); j.Result != Succeeded {
		t.Errorf("a job without pool: %s", j.Result)
	}
	res, log = runDir(t, files, RunOptions{HostOSAny: true})
	if !res.Succeeded() || jobResult(t, res, "hosted").Result != Succeeded || !strings.Contains(log, "(--host-os-any)") {
		t.Errorf("with HostOSAny: %s\n%s", res.Result, log)
	}
}

func TestPoolOS(t *testing.T) {
	id := func(s string) string { return s }
	tests := []struct {
		name string
		pool *Pool
		want string
	}{
		{"hosted windows", &Pool{VMImage: "windows-2022"}, osWindows},
		{"hosted mac", &Pool{VMImage: "macOS-latest"}, osMacOS},
		{"hosted ubuntu", &Pool{VMImage: "ubuntu-22.04"}, osLinux},
		{"1es os", &Pool{Name: "x", Image: "whatever", OS: "windows"}, osWindows},
		{"1es image", &Pool{Name: "azsdk-pool", Image: "azsdk-pool-mms-win-2022-1espt"}, osWindows},
		{"agent.os demand", &Pool{Name: "p", Demands: []string{"Agent.OS -equals Darwin"}}, osMacOS},
		{"image override demand", &Pool{Name: "NetCore1ESPool-Internal", Demands: []string{"ImageOverride -equals windows.vs2022.amd64"}}, osWindows},
		{"old hosted pool name", &Pool{Name: "Hosted VS2017"}, osWindows},
		{"unresolved macro", &Pool{VMImage: "$(imageName)"}, ""},
		{"private pool", &Pool{Name: "MyPool"}, ""},
		{"agentless", &Pool{Name: "server"}, ""},
		{"darwin is not windows", &Pool{Image: "darwin-arm64"}, osMacOS},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := poolOS(tt.pool, id); got != tt.want {
				t.Errorf("poolOS(%+v) = %q, want %q", tt.pool, got, tt.want)
			}
		})
	}
}

func TestMatchPatterns(t *testing.T) {
	tests := []struct {
		patterns string
		in, out  []string
	}{
		{"**", []string{"a", "a/b/c.txt", ".hidden"}, nil},
		{"*.txt", []string{"a.txt"}, []string{"d/a.txt", "a.log"}},
		{"**/*.txt", []string{"a.txt", "d/e/a.txt"}, []string{"a.log"}},
		{"**\n!**/*.log", []string{"a.txt", "d/x.bin"}, []string{"a.log", "d/b.log"}},
		{"bin/**/*.{dll,pdb}", []string{"bin/a.dll", "bin/x/b.pdb"}, []string{"bin/a.exe", "obj/a.dll"}},
		{"file?.[ab]", []string{"file1.a", "file2.b"}, []string{"file10.a", "file1.c"}},
		{"# comment\n\nsrc/*", []string{"src/x"}, []string{"src/x/y"}},
	}
	for _, tt := range tests {
		ps, err := parsePatterns(tt.patterns)
		if err != nil {
			t.Fatalf("%q: %v", tt.patterns, err)
		}
		for _, p := range tt.in {
			if !ps.match(p) {
				t.Errorf("%q does not match %s", tt.patterns, p)
			}
		}
		for _, p := range tt.out {
			if ps.match(p) {
				t.Errorf("%q matches %s", tt.patterns, p)
			}
		}
	}
}

// FuzzMatchPatterns checks that any pattern text parses or fails cleanly
// and never panics when matching.
func FuzzMatchPatterns(f *testing.F) {
	for _, s := range []string{"**", "!**/*.log", "a/{b,c}/[x-z]?.txt", "[", "{", "**/", "***/a"} {
		f.Add(s, "a/b/c.txt")
	}
	f.Fuzz(func(t *testing.T, patterns, path string) {
		ps, err := parsePatterns(patterns)
		if err != nil {
			return
		}
		ps.match(path)
	})
}

// TestExtractRefusesEntriesOutsideTheFolder checks that an archive entry
// naming ../ or an absolute path is refused.
func TestExtractRefusesEntriesOutsideTheFolder(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"../evil.txt", "/etc/evil.txt", `..\evil.txt`} {
		file := filepath.Join(dir, "a.zip")
		f, err := os.Create(file)
		if err != nil {
			t.Fatal(err)
		}
		zw := zip.NewWriter(f)
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("x")) //nolint:errcheck // a bytes write into the zip buffer
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		f.Close()
		if _, err := extractArchive(file, filepath.Join(dir, "out"), true); err == nil || !strings.Contains(err.Error(), "leaves the destination folder") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "evil.txt")); err == nil {
		t.Error("an entry was written outside the folder")
	}
}

// TestDocsListTheNativeTasks keeps the task table of docs/pipelines.md in
// step with the tasks that run.
func TestDocsListTheNativeTasks(t *testing.T) {
	data, err := os.ReadFile(docsFile(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range strings.Split(nativeTaskNames(), ", ") {
		if !strings.Contains(string(data), "| `"+name+"`") {
			t.Errorf("docs/pipelines.md does not list %s in its task table", name)
		}
	}
}

// TestRunStepsInTaskForm runs the steps of a stepList parameter, which
// expansion writes in task form (checkout task, CmdLine@2, Bash@3).
func TestRunStepsInTaskForm(t *testing.T) {
	requireBash(t)
	t.Parallel()
	res, log := runDir(t, map[string]string{
		"base.yml": "parameters:\n- name: build\n  type: stepList\nsteps:\n- ${{ parameters.build }}\n",
		"pipeline.yml": `extends:
  template: base.yml
  parameters:
    build:
    - checkout: self
    - script: echo "from script in $PWD"
      workingDirectory: sub
    - bash: echo from bash
      displayName: bash step
`,
		"sub/keep": "",
	}, RunOptions{})
	if !res.Succeeded() {
		t.Fatalf("run %s:\n%s", res.Result, log)
	}
	for _, want := range []string{"sources are used in place", "from script in ", "/sub\n", "from bash"} {
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
}

// FuzzExtractArchive checks that reading any bytes as an archive fails
// cleanly or writes only inside the destination.
func FuzzExtractArchive(f *testing.F) {
	var zipped bytes.Buffer
	zw := zip.NewWriter(&zipped)
	w, _ := zw.Create("a/b.txt")
	w.Write([]byte("x")) //nolint:errcheck // writes into a buffer
	zw.Close()
	f.Add(zipped.Bytes(), ".zip")
	f.Add([]byte("not an archive"), ".tar.gz")
	f.Add([]byte{}, ".tar")
	f.Fuzz(func(t *testing.T, data []byte, ext string) {
		if len(data) > 1<<16 {
			return
		}
		switch ext {
		case ".zip", ".tar", ".tar.gz", ".tar.bz2":
		default:
			return
		}
		dir := t.TempDir()
		file := filepath.Join(dir, "in"+ext)
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, "out")
		extractArchive(file, dst, true) //nolint:errcheck // failing is fine; escaping is not
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			if e.Name() != "in"+ext && e.Name() != "out" {
				t.Fatalf("extraction wrote %s outside the destination", e.Name())
			}
		}
	})
}
