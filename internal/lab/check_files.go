package lab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"

	"go.yaml.in/yaml/v3"
)

// Files and structured documents of the working tree.

type fileParams struct {
	Path    string `yaml:"path"` // a workspace path, or a pattern (*, **) for file-exists/file-absent
	Pattern string `yaml:"pattern"`
	Absent  bool   `yaml:"absent"`
}

type docParams struct {
	File  string  `yaml:"file"`
	Match []Match `yaml:"match"`
}

func init() {
	register("file-exists", "a file matching path (a glob) exists in the working tree", false,
		validateFileExists, checkFileExists)
	register("file-absent", "no file matching path (a glob) is in the working tree", false,
		validateFileAbsent, checkFileAbsent)
	register("file-contains", "a file's text matches a regular expression (or, with absent, does not)", false,
		validateFileContains, checkFileContains)
	validateDoc := func(p *docParams) error {
		if err := needPath("file", p.File); err != nil {
			return err
		}
		if len(p.Match) == 0 {
			return errors.New("match: give at least one path test")
		}
		for i := range p.Match {
			if err := p.Match[i].validate(); err != nil {
				return fmt.Errorf("match %d: %w", i+1, err)
			}
		}
		return nil
	}
	register("yaml", "a YAML file parses and every match holds (paths into the document)", false, validateDoc, checkYAML)
	register("json", "a JSON file parses and every match holds (ARM templates, parameter files, rulesets)", false, validateDoc, checkJSON)
}

// matchAll applies every match; the first that fails decides.
func matchAll(doc any, ms []Match) Outcome {
	var found []string
	for i := range ms {
		o := ms[i].test(doc)
		if !o.Pass {
			return o
		}
		found = append(found, o.Detail)
	}
	return pass("%s", joinDetails(found))
}

func joinDetails(ds []string) string {
	s := ""
	for i, d := range ds {
		if i > 0 {
			s += "; "
		}
		s += d
	}
	return oneLine(s)
}

// maxDocument bounds a document a check parses.
const maxDocument = 4 << 20

func readYAML(ws *Workspace, file string) (any, error) {
	b, err := ws.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", file, err)
	}
	if len(b) > maxDocument {
		return nil, fmt.Errorf("%s is larger than %d bytes", file, maxDocument)
	}
	var doc any
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s is not valid YAML: %s", file, yamlMessage(err))
	}
	return normalize(doc), nil
}

func readJSON(ws *Workspace, file string) (any, error) {
	b, err := ws.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", file, err)
	}
	if len(b) > maxDocument {
		return nil, fmt.Errorf("%s is larger than %d bytes", file, maxDocument)
	}
	var doc any
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("%s is not valid JSON: %v", file, err)
	}
	return doc, nil
}

func toAny(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// validateFileExists checks a file-exists check's parameters.
func validateFileExists(p *fileParams) error {
	if p.Path == "" {
		return errors.New("path is missing")
	}
	return nil
}

// checkFileExists grades the file-exists check: a file matching path (a glob) exists in the working tree.
func checkFileExists(_ context.Context, ws *Workspace, p *fileParams) Outcome {
	files, err := ws.Glob(p.Path)
	if err != nil || len(files) == 0 {
		return fail("no file matches %s", p.Path)
	}
	return pass("found %s", preview(toAny(files)))
}

// validateFileAbsent checks a file-absent check's parameters.
func validateFileAbsent(p *fileParams) error {
	if p.Path == "" {
		return errors.New("path is missing")
	}
	return nil
}

// checkFileAbsent grades the file-absent check: no file matching path (a glob) is in the working tree.
func checkFileAbsent(_ context.Context, ws *Workspace, p *fileParams) Outcome {
	files, _ := ws.Glob(p.Path)
	if len(files) > 0 {
		return fail("found %s", preview(toAny(files)))
	}
	return pass("no file matches %s", p.Path)
}

// validateFileContains checks a file-contains check's parameters.
func validateFileContains(p *fileParams) error {
	if err := needPath("path", p.Path); err != nil {
		return err
	}
	if _, err := regexp.Compile(p.Pattern); err != nil || p.Pattern == "" {
		return fmt.Errorf("pattern must be a regular expression (%v)", err)
	}
	return nil
}

// checkFileContains grades the file-contains check: a file's text matches a regular expression (or, with absent, does not).
func checkFileContains(_ context.Context, ws *Workspace, p *fileParams) Outcome {
	b, err := ws.ReadFile(p.Path)
	if err != nil {
		return fail("cannot read %s: %v", p.Path, err)
	}
	m := regexp.MustCompile(p.Pattern).Find(b)
	switch {
	case m != nil && p.Absent:
		return fail("%s still has %q", p.Path, oneLine(string(m)))
	case m == nil && !p.Absent:
		return fail("%s has nothing that matches %s", p.Path, p.Pattern)
	case m != nil:
		return pass("%s has %q", p.Path, oneLine(string(m)))
	}
	return pass("%s has nothing that matches %s", p.Path, p.Pattern)
}

// checkYAML grades the yaml check: a YAML file parses and every match holds (paths into the document).
func checkYAML(_ context.Context, ws *Workspace, p *docParams) Outcome {
	doc, err := readYAML(ws, p.File)
	if err != nil {
		return fail("%v", err)
	}
	return matchAll(doc, p.Match)
}

// checkJSON grades the json check: a JSON file parses and every match holds (ARM templates, parameter files, rulesets).
func checkJSON(_ context.Context, ws *Workspace, p *docParams) Outcome {
	doc, err := readJSON(ws, p.File)
	if err != nil {
		return fail("%v", err)
	}
	return matchAll(doc, p.Match)
}
