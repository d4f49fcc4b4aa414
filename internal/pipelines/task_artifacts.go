package pipelines

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// The artifact tasks: PublishPipelineArtifact@1 and DownloadPipelineArtifact@2
// (what publish: and download: steps are), PublishBuildArtifacts@1 and
// DownloadBuildArtifacts@1, with the inputs of Microsoft's task reference.
// Artifacts live in a store under the work folder (_artifacts/pipeline and
// _artifacts/build), so a later job of the same run downloads what an
// earlier one published. Artifacts of other runs or pipelines are not
// available locally: such downloads are skipped with that reason.
func init() {
	registerTask(&taskDef{
		name: "PublishPipelineArtifact", major: 1,
		inputs: []taskInput{
			{name: "targetPath", aliases: []string{"path"}, def: "$(Pipeline.Workspace)"},
			{name: "artifact", aliases: []string{"artifactName"}},
			{name: "publishLocation", aliases: []string{"artifactType"}, def: "pipeline"},
			{name: "fileSharePath"},
			{name: "parallel", def: "false"},
			{name: "parallelCount", def: "8"},
			{name: "properties"},
		},
		run: runPublishPipelineArtifact,
	})
	registerTask(&taskDef{
		name: "DownloadPipelineArtifact", major: 2,
		inputs: []taskInput{
			{name: "source", aliases: []string{"buildType"}, def: "current"},
			{name: "project"},
			{name: "definition", aliases: []string{"pipeline"}},
			{name: "artifact", aliases: []string{"artifactName"}},
			{name: "patterns", aliases: []string{"itemPattern"}, def: "**"},
			{name: "path", aliases: []string{"targetPath", "downloadPath"}, def: "$(Pipeline.Workspace)"},
		},
		run: runDownloadPipelineArtifact,
	})
	registerTask(&taskDef{
		name: "PublishBuildArtifacts", major: 1,
		inputs: []taskInput{
			{name: "PathtoPublish", def: "$(Build.ArtifactStagingDirectory)"},
			{name: "ArtifactName", def: "drop"},
			{name: "publishLocation", aliases: []string{"ArtifactType"}, def: "Container"},
			{name: "TargetPath"},
			{name: "Parallel", def: "false"},
			{name: "ParallelCount", def: "8"},
			{name: "StoreAsTar", def: "false"},
		},
		run: runPublishBuildArtifacts,
	})
	registerTask(&taskDef{
		name: "DownloadBuildArtifacts", major: 1,
		inputs: []taskInput{
			{name: "buildType", def: "current"},
			{name: "downloadType", def: "single"},
			{name: "artifactName"},
			{name: "itemPattern", def: "**"},
			{name: "downloadPath", def: "$(System.ArtifactsDirectory)"},
			{name: "cleanDestinationFolder", def: "false"},
		},
		run: runDownloadBuildArtifacts,
	})
}

// artifactDir is where the store keeps an artifact of a kind (pipeline or build).
func (r *runner) artifactDir(kind, name string) string {
	return filepath.Join(r.workDir, "_artifacts", kind, safeName(name))
}

// storeArtifact copies a file or folder into the store. Pipeline artifacts
// are immutable: publishing a name twice fails, as on the service; build
// artifacts gather what each publish adds.
func (jr *jobRun) storeArtifact(kind, name, src string) (int, error) {
	r := jr.r
	st, err := os.Stat(src)
	if err != nil {
		return 0, fmt.Errorf("the path to publish %s does not exist", src)
	}
	r.artifactMu.Lock()
	defer r.artifactMu.Unlock()
	dst := r.artifactDir(kind, name)
	if kind == "pipeline" {
		if _, err := os.Stat(dst); err == nil {
			return 0, fmt.Errorf("an artifact named %s was already published in this run", name)
		}
	}
	if !st.IsDir() {
		return 1, copyFile(src, filepath.Join(dst, filepath.Base(src)), true)
	}
	all, _ := parsePatterns("**")
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return 0, err
	}
	return copyTree(src, dst, all)
}

// storedArtifacts lists the artifacts of a kind published so far.
func (r *runner) storedArtifacts(kind string) []string {
	r.artifactMu.Lock()
	defer r.artifactMu.Unlock()
	entries, _ := os.ReadDir(filepath.Join(r.workDir, "_artifacts", kind))
	var out []string
	for _, e := range entries {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	sort.Strings(out)
	return out
}

func runPublishPipelineArtifact(_ context.Context, jr *jobRun, _ stepCall, in taskInputs) (Result, string) {
	name := in.get("artifact")
	if name == "" {
		// The service makes up a name unique in the job.
		name = fmt.Sprintf("%s_%s_%d", jr.stageName, jr.inst.name, jr.stepIdx)
	}
	src := jr.path(in.get("targetPath"))
	switch strings.ToLower(in.get("publishLocation")) {
	case "pipeline", "":
		n, err := jr.storeArtifact("pipeline", name, src)
		if err != nil {
			return Failed, "PublishPipelineArtifact@1: " + err.Error()
		}
		jr.logf("published %d file(s) of %s as pipeline artifact %s\n", n, src, name)
	case "filepath":
		share := jr.path(in.get("fileSharePath"))
		if strings.TrimSpace(in.get("fileSharePath")) == "" {
			return Failed, "PublishPipelineArtifact@1: fileSharePath is required when publishLocation is filepath"
		}
		all, _ := parsePatterns("**")
		n, err := copyTree(src, filepath.Join(share, name), all)
		if err != nil {
			return Failed, "PublishPipelineArtifact@1: " + err.Error()
		}
		jr.logf("copied %d file(s) of %s to %s\n", n, src, filepath.Join(share, name))
	default:
		return Failed, "PublishPipelineArtifact@1: publishLocation is pipeline or filepath, not " + in.get("publishLocation")
	}
	return Succeeded, ""
}

func runDownloadPipelineArtifact(_ context.Context, jr *jobRun, _ stepCall, in taskInputs) (Result, string) {
	shorthand := in.flag("shorthand")
	switch src := strings.ToLower(in.get("source")); src {
	case "current", "":
	case "none":
		if shorthand {
			jr.logf("download: none, nothing to download\n")
			return Succeeded, ""
		}
		fallthrough
	default:
		what := "the pipeline resource " + in.get("source")
		if src == "specific" {
			what = "pipeline " + in.get("definition")
		}
		return Skipped, "artifacts of " + what + " come from another run, which is not available locally"
	}
	patterns, err := parsePatterns(in.get("patterns"))
	if err != nil {
		return Failed, "DownloadPipelineArtifact@2: " + err.Error()
	}
	names := []string{in.get("artifact")}
	if names[0] == "" {
		names = jr.r.storedArtifacts("pipeline")
	}
	target := jr.path(in.get("path"))
	for _, name := range names {
		dir := jr.r.artifactDir("pipeline", name)
		if _, err := os.Stat(dir); err != nil {
			return Failed, fmt.Sprintf("DownloadPipelineArtifact@2: no artifact named %s was published in this run (yet)", name)
		}
		// One named artifact goes straight into the path; all artifacts,
		// and the download step, put each in a folder of its name.
		dst := target
		if in.get("artifact") == "" || shorthand {
			dst = filepath.Join(target, name)
		}
		n, err := copyTree(dir, dst, patterns)
		if err != nil {
			return Failed, "DownloadPipelineArtifact@2: " + err.Error()
		}
		jr.logf("downloaded %d file(s) of artifact %s to %s\n", n, name, dst)
	}
	return Succeeded, ""
}

func runPublishBuildArtifacts(_ context.Context, jr *jobRun, _ stepCall, in taskInputs) (Result, string) {
	name := in.get("ArtifactName")
	src := jr.path(in.get("PathtoPublish"))
	switch strings.ToLower(in.get("publishLocation")) {
	case "container", "":
		n, err := jr.storeArtifact("build", name, src)
		if err != nil {
			return Failed, "PublishBuildArtifacts@1: " + err.Error()
		}
		jr.logf("published %d file(s) of %s as build artifact %s\n", n, src, name)
	case "filepath":
		if strings.TrimSpace(in.get("TargetPath")) == "" {
			return Failed, "PublishBuildArtifacts@1: TargetPath is required when publishLocation is FilePath"
		}
		all, _ := parsePatterns("**")
		dst := filepath.Join(jr.path(in.get("TargetPath")), name)
		n, err := copyTree(src, dst, all)
		if err != nil {
			return Failed, "PublishBuildArtifacts@1: " + err.Error()
		}
		jr.logf("copied %d file(s) of %s to %s\n", n, src, dst)
	default:
		return Failed, "PublishBuildArtifacts@1: publishLocation is Container or FilePath, not " + in.get("publishLocation")
	}
	return Succeeded, ""
}

func runDownloadBuildArtifacts(_ context.Context, jr *jobRun, _ stepCall, in taskInputs) (Result, string) {
	if bt := strings.ToLower(in.get("buildType")); bt != "current" && bt != "" {
		return Skipped, "artifacts of another build are not available locally"
	}
	patterns, err := parsePatterns(in.get("itemPattern"))
	if err != nil {
		return Failed, "DownloadBuildArtifacts@1: " + err.Error()
	}
	target := jr.path(in.get("downloadPath"))
	if in.flag("cleanDestinationFolder") {
		if err := removeContents(target); err != nil {
			return Failed, "DownloadBuildArtifacts@1: " + err.Error()
		}
	}
	var names []string
	switch strings.ToLower(in.get("downloadType")) {
	case "single", "":
		if in.get("artifactName") == "" {
			return Failed, "DownloadBuildArtifacts@1: artifactName is required when downloadType is single"
		}
		names = []string{in.get("artifactName")}
	case "specific":
		names = jr.r.storedArtifacts("build")
	default:
		return Failed, "DownloadBuildArtifacts@1: downloadType is single or specific, not " + in.get("downloadType")
	}
	for _, name := range names {
		dir := jr.r.artifactDir("build", name)
		if _, err := os.Stat(dir); err != nil {
			return Failed, fmt.Sprintf("DownloadBuildArtifacts@1: no build artifact named %s was published in this run (yet)", name)
		}
		// Build artifacts keep their name as a folder; a pattern may name
		// it (drop/**) or not (**/*.dll).
		files, _, err := matchFiles(dir, patterns)
		if err != nil {
			return Failed, "DownloadBuildArtifacts@1: " + err.Error()
		}
		withName, _, err := matchFiles(dir, patternsUnder(patterns, name))
		if err != nil {
			return Failed, "DownloadBuildArtifacts@1: " + err.Error()
		}
		files = mergeSorted(files, withName)
		for _, f := range files {
			if err := copyFile(filepath.Join(dir, filepath.FromSlash(f)), filepath.Join(target, name, filepath.FromSlash(f)), true); err != nil {
				return Failed, "DownloadBuildArtifacts@1: " + err.Error()
			}
		}
		jr.logf("downloaded %d file(s) of build artifact %s to %s\n", len(files), name, filepath.Join(target, name))
	}
	return Succeeded, ""
}

// patternsUnder returns patterns that match a file inside artifact name
// when the original pattern, written with the artifact's name first
// (drop/**/*.dll), matches name/file.
func patternsUnder(ps matchPatterns, name string) matchPatterns {
	out := make(matchPatterns, len(ps))
	for i, p := range ps {
		out[i] = matchPattern{re: p.re, negate: p.negate, prefix: name + "/"}
	}
	return out
}

func mergeSorted(a, b []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range append(append([]string(nil), a...), b...) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
