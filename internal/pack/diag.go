// Package pack loads program packs (YAML and Markdown content) into the
// domain model and checks them strictly, reporting every problem as
// file:line: message.
package pack

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Diagnostic is one problem found in a pack.
type Diagnostic struct {
	File    string
	Line    int
	Message string
	Warning bool
}

func (d Diagnostic) String() string {
	kind := ""
	if d.Warning {
		kind = "warning: "
	}
	if d.Line > 0 {
		return fmt.Sprintf("%s:%d: %s%s", d.File, d.Line, kind, d.Message)
	}
	return fmt.Sprintf("%s: %s%s", d.File, kind, d.Message)
}

// Diagnostics is a list of problems, sorted by file and line.
type Diagnostics []Diagnostic

// Errors counts the diagnostics that are not warnings.
func (ds Diagnostics) Errors() int {
	n := 0
	for _, d := range ds {
		if !d.Warning {
			n++
		}
	}
	return n
}

func (ds Diagnostics) sort() {
	sort.SliceStable(ds, func(i, j int) bool {
		if ds[i].File != ds[j].File {
			return ds[i].File < ds[j].File
		}
		return ds[i].Line < ds[j].Line
	})
}

// reporter collects diagnostics for one file, shifting YAML line numbers
// by the line the YAML starts at within the file.
type reporter struct {
	diags  *Diagnostics
	file   string
	offset int // added to YAML line numbers (front matter starts on line 2)
	errors int
}

func (r *reporter) errorf(line int, format string, args ...any) {
	r.errors++
	*r.diags = append(*r.diags, Diagnostic{File: r.file, Line: line, Message: fmt.Sprintf(format, args...)})
}

func (r *reporter) warnf(line int, format string, args ...any) {
	*r.diags = append(*r.diags, Diagnostic{File: r.file, Line: line, Message: fmt.Sprintf(format, args...), Warning: true})
}

// at returns the file line of a YAML node.
func (r *reporter) at(n *yaml.Node) int {
	if n == nil || n.Line == 0 {
		return 0
	}
	return n.Line + r.offset
}

var yamlLineRE = regexp.MustCompile(`line (\d+): (.*)`)

// yamlError reports a YAML syntax or type error with its line shifted.
func (r *reporter) yamlError(err error) {
	switch e := err.(type) {
	case *yaml.TypeError:
		for _, msg := range e.Errors {
			r.lineMessage(msg)
		}
	default:
		r.lineMessage(err.Error())
	}
}

func (r *reporter) lineMessage(msg string) {
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		r.errorf(n+r.offset, "%s", m[2])
		return
	}
	r.errorf(0, "%s", msg)
}
