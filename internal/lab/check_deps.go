package lab

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/google/osv-scalibr/semantic"
	"golang.org/x/mod/modfile"
)

// Dependencies: a manifest or lock file is read, and every dependency's
// version is compared with an OSV advisory snapshot that the lab ships
// (never fetched), using osv-scalibr's version semantics per ecosystem.

type depsParams struct {
	Manifest   string   `yaml:"manifest"`   // package-lock.json, package.json, packages.lock.json, *.csproj, Directory.Packages.props, go.mod, requirements.txt
	Ecosystem  string   `yaml:"ecosystem"`  // npm, NuGet, Go, PyPI (OSV's names)
	Advisories string   `yaml:"advisories"` // a file of the lab: a JSON array of OSV records
	Packages   []string `yaml:"packages"`   // only these packages (default all)
}

type dependabotParams struct {
	Ecosystem string   `yaml:"ecosystem"` // package-ecosystem, e.g. npm, nuget, gomod, pip, github-actions
	Directory string   `yaml:"directory"`
	Intervals []string `yaml:"intervals"` // allowed schedule intervals (default any)
}

var ecosystems = map[string]bool{"npm": true, "NuGet": true, "Go": true, "PyPI": true}

func init() {
	register("dependencies", "no dependency of a manifest has a version an OSV advisory of the lab's snapshot affects", false,
		validateDependencies, checkDependencies)
	register("dependabot", "the Dependabot configuration (version 2) updates an ecosystem in a directory on a schedule", false,
		validateDependabot, checkDependabot)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Dependency is a package and the version a manifest uses.
type Dependency struct {
	Name, Version string
}

// ParseManifest reads the dependencies of a manifest or lock file, chosen
// by its file name. Version ranges (^1.2.3, >=1.2) count as their lowest
// version.
func ParseManifest(name string, b []byte) ([]Dependency, error) {
	if len(b) > maxDocument {
		return nil, fmt.Errorf("larger than %d bytes", maxDocument)
	}
	var deps []Dependency
	switch {
	case name == "package-lock.json":
		var lock struct {
			Packages     map[string]struct{ Version string } `json:"packages"`
			Dependencies map[string]struct{ Version string } `json:"dependencies"`
		}
		if err := json.Unmarshal(b, &lock); err != nil {
			return nil, err
		}
		for p, v := range lock.Packages {
			if i := strings.LastIndex(p, "node_modules/"); i >= 0 && v.Version != "" {
				deps = append(deps, Dependency{p[i+len("node_modules/"):], v.Version})
			}
		}
		if len(lock.Packages) == 0 {
			for n, v := range lock.Dependencies {
				deps = append(deps, Dependency{n, v.Version})
			}
		}
	case name == "package.json":
		var pkg struct {
			Dependencies    map[string]string `json:"dependencies"`
			DevDependencies map[string]string `json:"devDependencies"`
		}
		if err := json.Unmarshal(b, &pkg); err != nil {
			return nil, err
		}
		for _, m := range []map[string]string{pkg.Dependencies, pkg.DevDependencies} {
			for n, v := range m {
				deps = append(deps, Dependency{n, lowestVersion(v)})
			}
		}
	case name == "packages.lock.json":
		var lock struct {
			Dependencies map[string]map[string]struct {
				Resolved string `json:"resolved"`
			} `json:"dependencies"`
		}
		if err := json.Unmarshal(b, &lock); err != nil {
			return nil, err
		}
		for _, fw := range lock.Dependencies {
			for n, v := range fw {
				deps = append(deps, Dependency{n, v.Resolved})
			}
		}
	case strings.HasSuffix(name, ".csproj") || strings.HasSuffix(name, ".fsproj") || strings.HasSuffix(name, ".props"):
		var proj struct {
			Groups []struct {
				Refs []struct {
					Include string `xml:"Include,attr"`
					Update  string `xml:"Update,attr"`
					Version string `xml:"Version,attr"`
					Nested  string `xml:"Version"`
				} `xml:",any"`
			} `xml:"ItemGroup"`
		}
		if err := xml.Unmarshal(b, &proj); err != nil {
			return nil, err
		}
		for _, g := range proj.Groups {
			for _, r := range g.Refs {
				n, v := r.Include, r.Version
				if n == "" {
					n = r.Update
				}
				if v == "" {
					v = strings.TrimSpace(r.Nested)
				}
				if n != "" && v != "" {
					deps = append(deps, Dependency{n, lowestVersion(v)})
				}
			}
		}
	case name == "go.mod":
		// Parse, not ParseLax: ParseLax drops replace directives (it reads
		// a dependency's go.mod), and a replace decides the version that
		// builds. A directive newer than this library falls back to lax.
		f, err := modfile.Parse(name, b, nil)
		if err != nil {
			if f, err = modfile.ParseLax(name, b, nil); err != nil {
				return nil, err
			}
		}
		for _, r := range f.Require {
			deps = append(deps, Dependency{r.Mod.Path, r.Mod.Version})
		}
		for _, r := range f.Replace {
			if r.New.Version != "" {
				for i := range deps {
					if deps[i].Name == r.Old.Path {
						deps[i].Version = r.New.Version
					}
				}
			}
		}
	case strings.HasSuffix(name, ".txt"):
		for _, l := range strings.Split(string(b), "\n") {
			l = strings.TrimSpace(strings.SplitN(l, "#", 2)[0])
			if m := reqRE.FindStringSubmatch(l); m != nil {
				deps = append(deps, Dependency{m[1], m[3]})
			}
		}
	default:
		return nil, fmt.Errorf("%s is not a manifest certlab reads (package-lock.json, package.json, packages.lock.json, *.csproj, *.props, go.mod, requirements.txt)", name)
	}
	sort.Slice(deps, func(i, j int) bool { return deps[i].Name < deps[j].Name })
	return deps, nil
}

var reqRE = regexp.MustCompile(`^([A-Za-z0-9._-]+)(\[[^\]]*\])?\s*(?:==|>=|~=|===)\s*([A-Za-z0-9._+!-]+)`)

// lowestVersion is the lowest version a range allows: the first version
// in it.
func lowestVersion(r string) string {
	r = strings.TrimSpace(r)
	r = strings.TrimLeft(r, "^~>=<[( v")
	if i := strings.IndexAny(r, " ,)]|"); i > 0 {
		r = r[:i]
	}
	return r
}

func normName(eco, n string) string {
	switch eco {
	case "NuGet":
		return strings.ToLower(n)
	case "PyPI":
		return strings.ReplaceAll(strings.ReplaceAll(strings.ToLower(n), "_", "-"), ".", "-")
	}
	return n
}

type osvRecord struct {
	ID       string `json:"id"`
	Summary  string `json:"summary"`
	Affected []struct {
		Package struct {
			Ecosystem string `json:"ecosystem"`
			Name      string `json:"name"`
		} `json:"package"`
		Ranges []struct {
			Type   string              `json:"type"`
			Events []map[string]string `json:"events"`
		} `json:"ranges"`
		Versions []string `json:"versions"`
	} `json:"affected"`
}

func parseOSV(b []byte) ([]osvRecord, error) {
	var recs []osvRecord
	if err := json.Unmarshal(b, &recs); err != nil {
		var one osvRecord
		if err2 := json.Unmarshal(b, &one); err2 != nil {
			return nil, err
		}
		recs = []osvRecord{one}
	}
	return recs, nil
}

// affects evaluates the record's ranges for a package version, as the OSV
// schema describes: events in order, introduced opens, fixed closes
// (exclusive), last_affected closes (inclusive).
func (r osvRecord) affects(eco, name, version string) bool {
	v, err := semantic.Parse(strings.TrimPrefix(version, "v"), eco)
	if err != nil || version == "" {
		return false
	}
	cmp := func(s string) int {
		c, err := v.CompareStr(strings.TrimPrefix(s, "v"))
		if err != nil {
			return -2
		}
		return c
	}
	for _, a := range r.Affected {
		if a.Package.Ecosystem != eco || normName(eco, a.Package.Name) != normName(eco, name) {
			continue
		}
		for _, listed := range a.Versions {
			if cmp(listed) == 0 {
				return true
			}
		}
		for _, rg := range a.Ranges {
			if rg.Type != "SEMVER" && rg.Type != "ECOSYSTEM" {
				continue
			}
			affected := false
			for _, ev := range rg.Events {
				switch {
				case ev["introduced"] != "":
					if ev["introduced"] == "0" || cmp(ev["introduced"]) >= 0 {
						affected = true
					}
				case ev["fixed"] != "":
					if c := cmp(ev["fixed"]); c >= 0 && c != -2 {
						affected = false
					}
				case ev["last_affected"] != "":
					if c := cmp(ev["last_affected"]); c > 0 {
						affected = false
					}
				}
			}
			if affected {
				return true
			}
		}
	}
	return false
}

// validateDependencies checks a dependencies check's parameters.
func validateDependencies(p *depsParams) error {
	if err := needPath("manifest", p.Manifest); err != nil {
		return err
	}
	if !ecosystems[p.Ecosystem] {
		return fmt.Errorf("ecosystem %q must be npm, NuGet, Go or PyPI", p.Ecosystem)
	}
	if p.Advisories == "" {
		return errors.New("advisories (the lab's OSV snapshot) is missing")
	}
	return nil
}

// checkDependencies grades the dependencies check: no dependency of a manifest has a version an OSV advisory of the lab's snapshot affects.
func checkDependencies(_ context.Context, ws *Workspace, p *depsParams) Outcome {
	if ws.lab == nil {
		return fail("the lab's advisory snapshot is not available")
	}
	raw, err := ws.lab.ReadFile(p.Advisories)
	if err != nil {
		return fail("advisories: %v", err)
	}
	advs, err := parseOSV(raw)
	if err != nil {
		return fail("advisories %s: %v", p.Advisories, err)
	}
	b, err := ws.ReadFile(p.Manifest)
	if err != nil {
		return fail("cannot read %s: %v", p.Manifest, err)
	}
	deps, err := ParseManifest(path.Base(p.Manifest), b)
	if err != nil {
		return fail("%s: %v", p.Manifest, err)
	}
	only := map[string]bool{}
	for _, n := range p.Packages {
		only[normName(p.Ecosystem, n)] = true
	}
	checked := 0
	for _, d := range deps {
		if len(only) > 0 && !only[normName(p.Ecosystem, d.Name)] {
			continue
		}
		checked++
		for _, a := range advs {
			if a.affects(p.Ecosystem, d.Name, d.Version) {
				return fail("%s %s is affected by %s (%s)", d.Name, d.Version, a.ID, oneLine(a.Summary))
			}
		}
	}
	if len(only) > 0 && checked < len(only) {
		return fail("%s does not list %s", p.Manifest, strings.Join(p.Packages, ", "))
	}
	return pass("%d dependencies of %s, none affected by the %d advisories", checked, p.Manifest, len(advs))
}

// validateDependabot checks a dependabot check's parameters.
func validateDependabot(p *dependabotParams) error {
	if p.Ecosystem == "" || p.Directory == "" {
		return errors.New("ecosystem and directory are needed")
	}
	return nil
}

// checkDependabot grades the dependabot check: the Dependabot configuration (version 2) updates an ecosystem in a directory on a schedule.
func checkDependabot(_ context.Context, ws *Workspace, p *dependabotParams) Outcome {
	file := ".github/dependabot.yml"
	doc, err := readYAML(ws, file)
	if err != nil {
		if doc2, err2 := readYAML(ws, ".github/dependabot.yaml"); err2 == nil {
			doc, err, file = doc2, nil, ".github/dependabot.yaml"
		}
	}
	if err != nil {
		return fail("%v", err)
	}
	cfg, _ := doc.(map[string]any)
	if scalarString(cfg["version"]) != "2" {
		return fail("%s must say version: 2", file)
	}
	for _, u := range asList(cfg["updates"]) {
		m, _ := u.(map[string]any)
		if scalarString(m["package-ecosystem"]) != p.Ecosystem {
			continue
		}
		dirs := []string{scalarString(m["directory"])}
		for _, d := range asList(m["directories"]) {
			dirs = append(dirs, scalarString(d))
		}
		found := false
		for _, d := range dirs {
			found = found || strings.TrimSuffix(d, "/") == strings.TrimSuffix(p.Directory, "/") || (d == "/" && p.Directory == "/")
		}
		if !found {
			continue
		}
		sched, _ := m["schedule"].(map[string]any)
		interval := scalarString(sched["interval"])
		if interval == "" {
			return fail("the %s update for %s has no schedule interval", p.Ecosystem, p.Directory)
		}
		if len(p.Intervals) > 0 && !contains(p.Intervals, interval) {
			return fail("the %s update for %s runs %s, want %s", p.Ecosystem, p.Directory, interval, strings.Join(p.Intervals, " or "))
		}
		return pass("%s updates %s in %s %s", file, p.Ecosystem, p.Directory, interval)
	}
	return fail("%s has no %s update for %s", file, p.Ecosystem, p.Directory)
}
