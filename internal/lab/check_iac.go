package lab

import (
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Infrastructure as code: Terraform parsed with HashiCorp's HCL library
// (never planned or applied), Bicep parameter files read line by line.

type terraformParams struct {
	Dir       string              `yaml:"dir"` // the configuration's folder ("" for the workspace root)
	Variables []tfVariable        `yaml:"variables"`
	Backend   string              `yaml:"backend"` // a backend type the terraform block must configure
	Modules   []tfModule          `yaml:"modules"`
	Resources []string            `yaml:"resources"` // "type.name" that must be declared
	NoSecrets bool                `yaml:"no_secrets"`
	TFVars    map[string][]string `yaml:"tfvars"` // a .tfvars file -> variables it must set
}

type tfVariable struct {
	Name      string `yaml:"name"`
	Type      string `yaml:"type"` // as written, e.g. string or map(string)
	Sensitive *bool  `yaml:"sensitive"`
	NoDefault bool   `yaml:"no_default"`
}

type tfModule struct {
	Name   string `yaml:"name"`
	Source string `yaml:"source"` // a regular expression for the source
}

type bicepParams struct {
	File      string   `yaml:"file"`
	Using     string   `yaml:"using"`
	Params    []string `yaml:"params"`     // parameters it must set
	NoLiteral []string `yaml:"no_literal"` // parameters that must not be string literals (use getSecret or an environment reference)
}

// secretNameRE names attributes whose literal value would be a secret.
var secretNameRE = regexp.MustCompile(`(?i)(password|secret|client_secret|access_key|connection_string|sas_token|api_key|private_key)`)

func init() {
	register("terraform", "a Terraform configuration parses (HCL) and declares the variables, backend, modules and resources asked, with no secret as a literal", false,
		validateTerraform, checkTerraform)
	register("bicep-params", "a .bicepparam file uses a template, sets the parameters asked, and keeps secrets out of literals", false,
		validateBicepParams, checkBicepParams)
}

type tfBlock struct {
	src   []byte
	attrs map[string]*hclsyntax.Attribute
}

type tfConfig struct {
	files         int
	variables     map[string]tfBlock
	backends      []string
	modules       map[string]string
	resources     map[string]bool
	literalSecret string
}

// parseTerraform parses every .tf file of a folder.
func parseTerraform(ws *Workspace, dir string) (*tfConfig, error) {
	pattern := "*.tf"
	if dir != "" {
		pattern = strings.TrimSuffix(dir, "/") + "/*.tf"
	}
	files, err := ws.Glob(pattern)
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("no .tf files in %s", orRoot(dir))
	}
	cfg := &tfConfig{variables: map[string]tfBlock{}, modules: map[string]string{}, resources: map[string]bool{}}
	for _, f := range files {
		src, err := ws.ReadFile(f)
		if err != nil {
			return nil, err
		}
		file, diags := hclsyntax.ParseConfig(src, f, hcl.Pos{Line: 1, Column: 1})
		if diags.HasErrors() {
			return nil, fmt.Errorf("%s", firstDiag(diags))
		}
		cfg.files++
		body := file.Body.(*hclsyntax.Body)
		for _, b := range body.Blocks {
			switch {
			case b.Type == "variable" && len(b.Labels) == 1:
				cfg.variables[b.Labels[0]] = tfBlock{src: src, attrs: b.Body.Attributes}
			case b.Type == "terraform":
				for _, inner := range b.Body.Blocks {
					if inner.Type == "backend" && len(inner.Labels) == 1 {
						cfg.backends = append(cfg.backends, inner.Labels[0])
					}
				}
			case b.Type == "module" && len(b.Labels) == 1:
				cfg.modules[b.Labels[0]] = strings.Trim(exprText(src, b.Body.Attributes["source"]), `"`)
			case b.Type == "resource" && len(b.Labels) == 2:
				cfg.resources[b.Labels[0]+"."+b.Labels[1]] = true
			}
			if cfg.literalSecret == "" {
				cfg.literalSecret = findLiteralSecret(src, f, b.Body)
			}
		}
	}
	sort.Strings(cfg.backends)
	return cfg, nil
}

// findLiteralSecret reports an attribute named like a secret whose value
// is a literal string (not a variable, a data source or a function).
func findLiteralSecret(src []byte, file string, body *hclsyntax.Body) string {
	for name, a := range body.Attributes {
		if !secretNameRE.MatchString(name) {
			continue
		}
		if t, ok := a.Expr.(*hclsyntax.TemplateExpr); ok && t.IsStringLiteral() {
			return fmt.Sprintf("%s:%d: %s is a literal string: reference a variable, Key Vault or an identity instead", file, a.SrcRange.Start.Line, name)
		}
	}
	for _, b := range body.Blocks {
		if s := findLiteralSecret(src, file, b.Body); s != "" {
			return s
		}
	}
	return ""
}

// parseTFVars reads the variables a .tfvars file sets.
func parseTFVars(ws *Workspace, file string) (map[string]bool, error) {
	src, err := ws.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %v", file, err)
	}
	f, diags := hclsyntax.ParseConfig(src, file, hcl.Pos{Line: 1, Column: 1})
	if diags.HasErrors() {
		return nil, fmt.Errorf("%s", firstDiag(diags))
	}
	set := map[string]bool{}
	for n := range f.Body.(*hclsyntax.Body).Attributes {
		set[n] = true
	}
	return set, nil
}

func firstDiag(d hcl.Diagnostics) string {
	for _, x := range d {
		if x.Severity == hcl.DiagError {
			if x.Subject != nil {
				return fmt.Sprintf("%s:%d: %s: %s", x.Subject.Filename, x.Subject.Start.Line, x.Summary, x.Detail)
			}
			return x.Summary + ": " + x.Detail
		}
	}
	return d.Error()
}

// exprText is the source text of an attribute's expression.
func exprText(src []byte, a *hclsyntax.Attribute) string {
	if a == nil {
		return ""
	}
	r := a.Expr.Range()
	if r.Start.Byte < 0 || r.End.Byte > len(src) || r.Start.Byte > r.End.Byte {
		return ""
	}
	return string(src[r.Start.Byte:r.End.Byte])
}

func normalizeSpace(s string) string { return strings.Join(strings.Fields(s), "") }

func orRoot(dir string) string {
	if dir == "" {
		return "the workspace root"
	}
	return dir
}

var (
	bicepUsingRE = regexp.MustCompile(`(?m)^\s*using\s+'([^']*)'`)
	bicepParamRE = regexp.MustCompile(`(?m)^\s*param\s+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$`)
)

// parseBicepParam reads a .bicepparam file's using statement and the
// parameters it sets with their value's source text (first line).
func parseBicepParam(src string) (string, map[string]string) {
	using := ""
	if m := bicepUsingRE.FindStringSubmatch(src); m != nil {
		using = m[1]
	}
	params := map[string]string{}
	for _, m := range bicepParamRE.FindAllStringSubmatch(src, -1) {
		params[m[1]] = strings.TrimSpace(m[2])
	}
	return using, params
}

// validateTerraform checks a terraform check's parameters.
func validateTerraform(p *terraformParams) error {
	if p.Dir != "" && !safeRelPath(p.Dir) {
		return fmt.Errorf("dir %q must be a relative path inside the workspace", p.Dir)
	}
	for _, m := range p.Modules {
		if err := checkRegexp("module source", m.Source); err != nil {
			return err
		}
	}
	for f := range p.TFVars {
		if err := needPath("tfvars file", f); err != nil {
			return err
		}
	}
	return nil
}

// checkTerraform grades the terraform check: a Terraform configuration parses (HCL) and declares the variables, backend, modules and resources asked, with no secret as a literal.
func checkTerraform(_ context.Context, ws *Workspace, p *terraformParams) Outcome {
	cfg, err := parseTerraform(ws, p.Dir)
	if err != nil {
		return fail("%v", err)
	}
	for _, v := range p.Variables {
		b, ok := cfg.variables[v.Name]
		if !ok {
			return fail("no variable %q is declared", v.Name)
		}
		if v.Type != "" && normalizeSpace(exprText(b.src, b.attrs["type"])) != normalizeSpace(v.Type) {
			return fail("variable %s has type %s, want %s", v.Name, exprText(b.src, b.attrs["type"]), v.Type)
		}
		if v.Sensitive != nil {
			got := strings.TrimSpace(exprText(b.src, b.attrs["sensitive"])) == "true"
			if got != *v.Sensitive {
				return fail("variable %s: sensitive should be %v", v.Name, *v.Sensitive)
			}
		}
		if v.NoDefault && b.attrs["default"] != nil {
			return fail("variable %s has a default: each environment must set it", v.Name)
		}
	}
	if p.Backend != "" && !contains(cfg.backends, p.Backend) {
		if len(cfg.backends) == 0 {
			return fail("the terraform block configures no backend (want %s)", p.Backend)
		}
		return fail("the backend is %s, want %s", strings.Join(cfg.backends, ", "), p.Backend)
	}
	for _, m := range p.Modules {
		src, ok := cfg.modules[m.Name]
		if !ok {
			return fail("no module %q", m.Name)
		}
		if m.Source != "" && !regexp.MustCompile(m.Source).MatchString(src) {
			return fail("module %s comes from %q", m.Name, src)
		}
	}
	for _, r := range p.Resources {
		if !cfg.resources[r] {
			return fail("no resource %s", r)
		}
	}
	if p.NoSecrets && cfg.literalSecret != "" {
		return fail("%s", cfg.literalSecret)
	}
	for file, names := range p.TFVars {
		set, err := parseTFVars(ws, file)
		if err != nil {
			return fail("%v", err)
		}
		for _, n := range names {
			if !set[n] {
				return fail("%s does not set %s", file, n)
			}
		}
		for n := range set {
			if _, ok := cfg.variables[n]; !ok {
				return fail("%s sets %s, which no variable declares", file, n)
			}
		}
	}
	return pass("%d files, %d variables, %d resources", cfg.files, len(cfg.variables), len(cfg.resources))
}

// validateBicepParams checks a bicep-params check's parameters.
func validateBicepParams(p *bicepParams) error {
	if err := needPath("file", p.File); err != nil {
		return err
	}
	if len(p.Params) == 0 && p.Using == "" && len(p.NoLiteral) == 0 {
		return errors.New("give using, params or no_literal")
	}
	return nil
}

// checkBicepParams grades the bicep-params check: a .bicepparam file uses a template, sets the parameters asked, and keeps secrets out of literals.
func checkBicepParams(_ context.Context, ws *Workspace, p *bicepParams) Outcome {
	b, err := ws.ReadFile(p.File)
	if err != nil {
		return fail("cannot read %s: %v", p.File, err)
	}
	using, params := parseBicepParam(string(b))
	if p.Using != "" && path.Clean(using) != path.Clean(p.Using) {
		return fail("%s uses %q, want %q", p.File, using, p.Using)
	}
	for _, n := range p.Params {
		if _, ok := params[n]; !ok {
			return fail("%s does not set %s", p.File, n)
		}
	}
	for _, n := range p.NoLiteral {
		v, ok := params[n]
		if !ok {
			return fail("%s does not set %s", p.File, n)
		}
		if strings.HasPrefix(strings.TrimSpace(v), "'") {
			return fail("%s sets %s to a literal string: read it with getSecret() or readEnvironmentVariable()", p.File, n)
		}
	}
	return pass("%s sets %d parameters", p.File, len(params))
}
