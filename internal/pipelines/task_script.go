package pipelines

import (
	"context"
	"strings"
)

// The script tasks: CmdLine@2 (what script: steps are), Bash@3 and
// PowerShell@2, with the inputs of Microsoft's task reference. On this
// machine CmdLine runs its script with bash, and PowerShell runs with pwsh
// (Windows PowerShell does not exist here), whatever its pwsh input says.
func init() {
	registerTask(&taskDef{
		name: "CmdLine", major: 2,
		inputs: []taskInput{
			{name: "script", def: "echo Write your commands here"},
			{name: "workingDirectory"},
			{name: "failOnStderr", def: "false"},
		},
		run: func(ctx context.Context, jr *jobRun, c stepCall, in taskInputs) (Result, string) {
			return jr.runScript(ctx, c, scriptSpec{lang: langBash, body: in.get("script"), workingDirectory: in.get("workingDirectory"), failOnStderr: in.flag("failOnStderr")})
		},
	})
	registerTask(&taskDef{
		name: "Bash", major: 3,
		inputs: []taskInput{
			{name: "targetType", def: "filePath"},
			{name: "filePath"},
			{name: "arguments"},
			{name: "script", def: "# Write your commands here\n\necho 'Hello world'\n"},
			{name: "workingDirectory"},
			{name: "failOnStderr", def: "false"},
			{name: "bashEnvValue"},
			{name: "noProfile", def: "true"},
			{name: "noRc", def: "true"},
		},
		run: func(ctx context.Context, jr *jobRun, c stepCall, in taskInputs) (Result, string) {
			spec := scriptSpec{lang: langBash, workingDirectory: in.get("workingDirectory"), failOnStderr: in.flag("failOnStderr"), bashFlags: []string{}}
			if in.flag("noProfile") {
				spec.bashFlags = append(spec.bashFlags, "--noprofile")
			}
			if in.flag("noRc") {
				spec.bashFlags = append(spec.bashFlags, "--norc")
			}
			switch strings.ToLower(in.get("targetType")) {
			case "inline":
				spec.body = in.get("script")
			case "filepath":
				if in.get("filePath") == "" {
					return Failed, "Bash@3: filePath is required when targetType is filePath"
				}
				spec.file, spec.arguments = in.get("filePath"), in.get("arguments")
			default:
				return Failed, "Bash@3: targetType is filePath or inline, not " + in.get("targetType")
			}
			return jr.runScript(ctx, c, spec)
		},
	})
	registerTask(&taskDef{
		name: "PowerShell", major: 2,
		inputs: []taskInput{
			{name: "targetType", def: "filePath"},
			{name: "filePath"},
			{name: "arguments"},
			{name: "script", def: "# Write your PowerShell commands here.\n\nWrite-Host \"Hello World\"\n"},
			{name: "errorActionPreference", def: "stop"},
			{name: "failOnStderr", def: "false"},
			{name: "ignoreLASTEXITCODE", def: "false"},
			{name: "pwsh", def: "false"},
			{name: "workingDirectory"},
		},
		run: func(ctx context.Context, jr *jobRun, c stepCall, in taskInputs) (Result, string) {
			spec := scriptSpec{lang: langPwsh, workingDirectory: in.get("workingDirectory"), failOnStderr: in.flag("failOnStderr"), ignoreExitCode: in.flag("ignoreLASTEXITCODE")}
			switch strings.ToLower(in.get("errorActionPreference")) {
			case "stop":
				spec.errorAction = "Stop"
			case "continue":
				spec.errorAction = "Continue"
			case "silentlycontinue":
				spec.errorAction = "SilentlyContinue"
			default:
				return Failed, "PowerShell@2: errorActionPreference is stop, continue or silentlyContinue, not " + in.get("errorActionPreference")
			}
			switch strings.ToLower(in.get("targetType")) {
			case "inline":
				spec.body = in.get("script")
			case "filepath":
				if in.get("filePath") == "" {
					return Failed, "PowerShell@2: filePath is required when targetType is filePath"
				}
				spec.file, spec.arguments = in.get("filePath"), in.get("arguments")
			default:
				return Failed, "PowerShell@2: targetType is filePath or inline, not " + in.get("targetType")
			}
			return jr.runScript(ctx, c, spec)
		},
	})
}
