package pipelines

import "strings"

// CheckoutTask is the task the service turns a checkout step into.
const CheckoutTask = "6d15af64-176c-496d-b583-fd2ae21d4df4@1"

// shorthandTasks maps a step shorthand to the task the service runs and the
// input its value becomes.
var shorthandTasks = map[string]struct{ task, input string }{
	"script":        {"CmdLine@2", "script"},
	"bash":          {"Bash@3", "script"},
	"pwsh":          {"PowerShell@2", "script"},
	"powershell":    {"PowerShell@2", "script"},
	"checkout":      {CheckoutTask, "repository"},
	"download":      {"DownloadPipelineArtifact@2", "buildType"},
	"downloadBuild": {"DownloadBuildArtifacts@0", "buildType"},
	"getPackage":    {"DownloadPackage@1", "definition"},
	"publish":       {"PublishPipelineArtifact@1", "path"},
	"upload":        {"PublishPipelineArtifact@1", "path"},
	"reviewApp":     {"ReviewApp@0", "resourceName"},
}

// isCheckoutTask reports whether a task reference is the checkout task.
func isCheckoutTask(ref string) bool {
	switch strings.ToLower(ref) {
	case CheckoutTask, CheckoutTask + ".0.0", "checkout@1", "checkout@1.0.0":
		return true
	}
	return false
}

// normalizeStep writes a step in the task form the service gives the values
// of step and stepList parameters: "script: x" becomes "task: CmdLine@2" with
// the script as an input, "bash:" Bash@3, "pwsh:" and "powershell:"
// PowerShell@2, "checkout:" the checkout task, and so on. The properties
// every step has (name, displayName, condition, env …) stay as they are;
// the shorthand's own properties (workingDirectory, clean …) become inputs.
// Templates that inspect steps (the documentation's extends example rejects
// CmdLine@2) rely on this form.
func normalizeStep(n *Node) *Node {
	if n == nil || n.Kind != MappingNode {
		return n
	}
	var kind string
	var body *Node
	for _, p := range n.Pairs {
		if _, ok := shorthandTasks[p.Key.Value]; ok {
			kind, body = p.Key.Value, p.Value
			break
		}
	}
	if kind == "" {
		return n
	}
	t := shorthandTasks[kind]
	pos := n.Pos
	out := &Node{Kind: MappingNode, Pos: pos}
	out.Pairs = append(out.Pairs, Pair{Key: newString("task", pos), Value: newString(t.task, posOf(body))})
	var inputs []Pair
	switch kind {
	case "bash":
		inputs = append(inputs, Pair{Key: newString("targetType", pos), Value: newString("inline", pos)})
	case "pwsh", "powershell":
		inputs = append(inputs, Pair{Key: newString("targetType", pos), Value: newString("inline", pos)})
		if kind == "pwsh" {
			inputs = append(inputs, Pair{Key: newString("pwsh", pos), Value: newString("true", pos)})
		}
	}
	inputs = append(inputs, Pair{Key: newString(t.input, posOf(body)), Value: body})
	for _, p := range n.Pairs {
		switch {
		case p.Key.Value == kind:
		case commonStepProperties[p.Key.Value]:
			out.Pairs = append(out.Pairs, p)
		case p.Key.Value == "inputs" && p.Value != nil && p.Value.Kind == MappingNode:
			inputs = append(inputs, p.Value.Pairs...)
		default:
			inputs = append(inputs, p)
		}
	}
	out.Pairs = append(out.Pairs, Pair{Key: newString("inputs", pos), Value: newMapping(pos, inputs)})
	return out
}

// normalizeSteps writes every step of a stage, job or step value in task
// form (see normalizeStep): the service does so for the values of stage,
// job and deployment parameters too, and templates rely on it (dotnet's
// docker-tools task-prefix-decorator.yml reads step.task of every step of a
// stageList).
func normalizeSteps(n *Node, kind string) *Node {
	if n == nil || n.Kind != MappingNode {
		return n
	}
	switch kind {
	case "steps":
		return normalizeStep(n)
	case "stages":
		return replaceKey(n, "jobs", func(jobs *Node) *Node {
			return mapItems(jobs, func(j *Node) *Node { return normalizeSteps(j, "jobs") })
		})
	case "jobs":
		out := replaceKey(n, "steps", func(steps *Node) *Node { return mapItems(steps, normalizeStep) })
		if n.Get("deployment") != nil {
			out = replaceKey(out, "strategy", normalizeHookSteps)
		}
		return out
	}
	return n
}

// normalizeHookSteps normalises the steps of a deployment strategy's
// lifecycle hooks: strategy → runOnce|rolling|canary → hook (→ on → success|failure) → steps.
func normalizeHookSteps(n *Node) *Node {
	if n == nil || n.Kind != MappingNode {
		return n
	}
	out := &Node{Kind: MappingNode, Pos: n.Pos, Pairs: make([]Pair, len(n.Pairs))}
	for i, p := range n.Pairs {
		out.Pairs[i] = p
		switch {
		case p.Key.Value == "steps":
			out.Pairs[i].Value = mapItems(p.Value, normalizeStep)
		case p.Value != nil && p.Value.Kind == MappingNode:
			out.Pairs[i].Value = normalizeHookSteps(p.Value)
		}
	}
	return out
}

// replaceKey returns n with the value of key replaced by f(value).
func replaceKey(n *Node, key string, f func(*Node) *Node) *Node {
	for i, p := range n.Pairs {
		if p.Key.Value != key {
			continue
		}
		out := &Node{Kind: MappingNode, Pos: n.Pos, Pairs: append([]Pair(nil), n.Pairs...)}
		out.Pairs[i].Value = f(p.Value)
		return out
	}
	return n
}

// mapItems returns a sequence with f applied to each item.
func mapItems(n *Node, f func(*Node) *Node) *Node {
	if n == nil || n.Kind != SequenceNode {
		return n
	}
	out := &Node{Kind: SequenceNode, Pos: n.Pos, Items: make([]*Node, len(n.Items))}
	for i, it := range n.Items {
		out.Items[i] = f(it)
	}
	return out
}
