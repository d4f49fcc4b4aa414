package lab

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/rs/zerolog"
	"github.com/spf13/viper"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/logging"
	"github.com/zricethezav/gitleaks/v8/report"
)

// Secrets: gitleaks' detector with its default rules, fed by certlab (the
// working tree's files, and every blob reachable in git history read with
// the hardened git), so gitleaks never runs git itself.

type secretsParams struct {
	Scope string   `yaml:"scope"` // tree (default), history, or all
	Allow []string `yaml:"allow"` // gitleaks rule ids to ignore
}

var (
	leaksOnce sync.Once
	leaksCfg  config.Config
	leaksErr  error
)

// gitleaksConfig reads gitleaks' default rules once (through viper, whose
// global state is not safe for concurrent use).
func gitleaksConfig() (config.Config, error) {
	leaksOnce.Do(func() {
		logging.Logger = zerolog.Nop()
		v := viper.New()
		v.SetConfigType("toml")
		if leaksErr = v.ReadConfig(stringsReader(config.DefaultConfig)); leaksErr != nil {
			return
		}
		var vc config.ViperConfig
		if leaksErr = v.Unmarshal(&vc); leaksErr != nil {
			return
		}
		leaksCfg, leaksErr = vc.Translate()
	})
	return leaksCfg, leaksErr
}

func init() {
	register("no-secrets", "gitleaks finds no secret in the working tree, or in any reachable git object (scope: history), or both (scope: all)", false,
		validateNoSecrets, checkNoSecrets)
}

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }

// validateNoSecrets checks a no-secrets check's parameters.
func validateNoSecrets(p *secretsParams) error {
	switch p.Scope {
	case "", "tree", "history", "all":
		return nil
	}
	return fmt.Errorf("scope %q must be tree, history or all", p.Scope)
}

// checkNoSecrets grades the no-secrets check: gitleaks finds no secret in the working tree, or in any reachable git object (scope: history), or both (scope: all).
func checkNoSecrets(ctx context.Context, ws *Workspace, p *secretsParams) Outcome {
	cfg, err := gitleaksConfig()
	if err != nil {
		return fail("gitleaks rules: %v", err)
	}
	d := detect.NewDetectorContext(ctx, cfg)
	allowed := map[string]bool{}
	for _, r := range p.Allow {
		allowed[r] = true
	}
	first := func(fs []report.Finding) *report.Finding {
		for i := range fs {
			if !allowed[fs[i].RuleID] {
				return &fs[i]
			}
		}
		return nil
	}
	files, blobs := 0, 0
	if p.Scope == "" || p.Scope == "tree" || p.Scope == "all" {
		var found *report.Finding
		err := filepath.WalkDir(ws.Dir, func(path string, e fs.DirEntry, err error) error {
			if err != nil || found != nil {
				return nil
			}
			rel, _ := filepath.Rel(ws.Dir, path)
			rel = filepath.ToSlash(rel)
			if e.IsDir() {
				if rel == ".git" || rel == MetaDir || e.Name() == "node_modules" {
					return filepath.SkipDir
				}
				return nil
			}
			if !e.Type().IsRegular() {
				return nil
			}
			info, err := e.Info()
			if err != nil || info.Size() > maxDocument {
				return nil
			}
			b, err := os.ReadFile(path)
			if err != nil {
				return nil
			}
			files++
			//lint:ignore SA1019 DetectContext, the only cancellable entry point, takes detect.Fragment until gitleaks v9
			found = first(d.DetectContext(ctx, detect.Fragment{Raw: string(b), FilePath: rel}))
			if found != nil {
				found.File = rel
			}
			return nil
		})
		if err != nil {
			return fail("%v", err)
		}
		if found != nil {
			return fail("gitleaks finds a %s in %s:%d", found.Description, found.File, found.StartLine)
		}
	}
	if p.Scope == "history" && !ws.HasGit() {
		return fail("the workspace is not a git repository")
	}
	if (p.Scope == "history" || p.Scope == "all") && ws.HasGit() {
		all, err := reachableBlobs(ctx, ws)
		if err != nil {
			return fail("%v", err)
		}
		for _, b := range all {
			if b.size > maxDocument {
				continue
			}
			text, err := ws.Git(ctx, "cat-file", "blob", b.sha)
			if err != nil {
				return fail("%v", err)
			}
			blobs++
			//lint:ignore SA1019 DetectContext, the only cancellable entry point, takes detect.Fragment until gitleaks v9
			if f := first(d.DetectContext(ctx, detect.Fragment{Raw: text, FilePath: b.path})); f != nil {
				return fail("gitleaks finds a %s in git history: %s (blob %s, line %d)", f.Description, b.path, short(b.sha), f.StartLine)
			}
		}
	}
	return pass("gitleaks finds no secret (%d files, %d reachable blobs)", files, blobs)
}
