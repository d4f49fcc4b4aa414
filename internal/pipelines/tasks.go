package pipelines

import (
	"context"
	"sort"
	"strconv"
	"strings"
)

// taskDef is a task that `pipeline run` carries out itself, with the
// inputs Microsoft documents for it (name, aliases, default). Each task is
// registered by its own file (task_*.go); other tasks are skipped with the
// reason.
type taskDef struct {
	name   string // CmdLine
	major  int    // 2
	inputs []taskInput
	run    func(ctx context.Context, jr *jobRun, c stepCall, in taskInputs) (Result, string)
}

// taskInput is one documented input.
type taskInput struct {
	name    string
	aliases []string
	def     string // default, may hold macros
}

var nativeTasks = map[string]*taskDef{}

// registerTask adds a native task; task files call it from init.
func registerTask(t *taskDef) {
	nativeTasks[strings.ToLower(t.name)+"@"+strconv.Itoa(t.major)] = t
}

// nativeTaskNames lists the native tasks, for messages.
func nativeTaskNames() string {
	names := make([]string, 0, len(nativeTasks))
	for _, t := range nativeTasks {
		names = append(names, t.name+"@"+strconv.Itoa(t.major))
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// nativeTask finds the native task that runs a step: a task step by name
// and major version, and the shorthand steps that stand for a task
// (publish, download, downloadBuild), with their inputs.
func nativeTask(s *Step) (*taskDef, []Variable, bool) {
	switch s.Kind {
	case StepTask:
		name, version, _ := strings.Cut(s.Body, "@")
		major, _, _ := strings.Cut(version, ".")
		t, ok := nativeTasks[strings.ToLower(name)+"@"+major]
		return t, s.Inputs, ok
	case StepPublish, StepUpload:
		return nativeTasks["publishpipelineartifact@1"], append([]Variable{{Name: "targetPath", Value: s.Body}}, s.Inputs...), true
	case StepDownload:
		return nativeTasks["downloadpipelineartifact@2"], append([]Variable{{Name: "source", Value: s.Body}, {Name: "shorthand", Value: "true"}}, s.Inputs...), true
	case StepDownloadBuild:
		return nativeTasks["downloadbuildartifacts@1"], append([]Variable{{Name: "buildType", Value: s.Body}}, s.Inputs...), true
	}
	return nil, nil, false
}

// taskInputs are a step's inputs, read by name or alias, case-insensitively,
// with macros replaced and documented defaults applied.
type taskInputs struct {
	vals map[string]string // documented input name, lower case → value
	vars *runVars
}

func newTaskInputs(t *taskDef, given []Variable, vars *runVars) taskInputs {
	in := taskInputs{vals: map[string]string{}, vars: vars}
	byName := map[string]string{}
	for _, g := range given {
		byName[strings.ToLower(g.Name)] = g.Value
	}
	for _, d := range t.inputs {
		v, ok := byName[strings.ToLower(d.name)]
		for _, a := range d.aliases {
			if av, aok := byName[strings.ToLower(a)]; aok && !ok {
				v, ok = av, true
			}
		}
		if !ok {
			v = d.def
		}
		in.vals[strings.ToLower(d.name)] = vars.expandMacros(v)
	}
	for k, v := range byName {
		if _, ok := in.vals[k]; !ok {
			in.vals[k] = vars.expandMacros(v)
		}
	}
	return in
}

// get returns an input's value.
func (in taskInputs) get(name string) string { return in.vals[strings.ToLower(name)] }

// flag reads a boolean input as the agent does (true, case-insensitive).
func (in taskInputs) flag(name string) bool {
	return strings.EqualFold(strings.TrimSpace(in.get(name)), "true")
}
