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
