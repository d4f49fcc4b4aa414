package lsp

// keyDoc documents one keyword.
type keyDoc struct {
	name, doc string
	values    []string // allowed values, offered as completions
}

// Keywords by the place they are written, as the service's YAML schema
// defines them.
var (
	pipelineKeys = []keyDoc{
		{name: "name", doc: "The run number format, e.g. `$(Date:yyyyMMdd)$(Rev:.r)`."},
		{name: "appendCommitMessageToRunName", doc: "Append the latest commit message to the run name (default true)."},
		{name: "trigger", doc: "Continuous-integration trigger: `none`, a list of branches, or `branches`/`paths`/`tags` with `include`/`exclude`."},
		{name: "pr", doc: "Pull-request trigger: `none`, a list of branches, or `branches`/`paths` with `include`/`exclude`."},
		{name: "schedules", doc: "Scheduled triggers: a list of `cron` schedules with their `branches`."},
		{name: "parameters", doc: "Runtime parameters: a list of `name`, `type`, `default` and `values`."},
		{name: "resources", doc: "Resources the pipeline uses: `repositories`, `containers`, `pipelines`, `builds`, `packages`, `webhooks`."},
		{name: "variables", doc: "Variables, as a mapping or a list of `name`/`value`, `group` and `template` entries."},
		{name: "pool", doc: "The agent pool jobs run on: a name, or `name`, `vmImage` and `demands`."},
		{name: "stages", doc: "The stages of the pipeline, run in order unless `dependsOn` says otherwise."},
		{name: "jobs", doc: "The jobs of a pipeline without stages."},
		{name: "steps", doc: "The steps of a pipeline with a single job."},
		{name: "extends", doc: "Extend a template: `template` names it, `parameters` give its parameter values."},
		{name: "lockBehavior", doc: "How exclusive-lock checks queue runs.", values: []string{"sequential", "runLatest"}},
		{name: "phases", doc: "Deprecated: the former name of `jobs`."},
	}
	stageKeys = []keyDoc{
		{name: "stage", doc: "The stage's name: letters, digits and `_`."},
		{name: "displayName", doc: "The name shown in the UI."},
		{name: "dependsOn", doc: "Stages that must finish first (default: the previous stage; `[]` for none)."},
		{name: "condition", doc: "A runtime expression deciding whether the stage runs (default `succeeded()`)."},
		{name: "variables", doc: "Variables of the stage."},
		{name: "jobs", doc: "The jobs of the stage."},
		{name: "pool", doc: "The default pool of the stage's jobs."},
		{name: "lockBehavior", doc: "How exclusive-lock checks queue runs.", values: []string{"sequential", "runLatest"}},
		{name: "trigger", doc: "Whether the stage starts by itself or waits to be run by hand.", values: []string{"automatic", "manual"}},
		{name: "isSkippable", doc: "Whether the stage can be skipped when the run is queued (default true)."},
		{name: "templateContext", doc: "Data a template reads alongside the stage (`stageList` parameters)."},
		{name: "template", doc: "Include a stage template."},
	}
	jobKeys = []keyDoc{
		{name: "job", doc: "The job's name: letters, digits and `_`."},
		{name: "deployment", doc: "A deployment job's name; it targets an `environment` with a `strategy`."},
		{name: "displayName", doc: "The name shown in the UI."},
		{name: "dependsOn", doc: "Jobs of the stage that must finish first."},
		{name: "condition", doc: "A runtime expression deciding whether the job runs (default `succeeded()`)."},
		{name: "continueOnError", doc: "Report a failure as SucceededWithIssues and go on."},
		{name: "timeoutInMinutes", doc: "Cancel the job after this many minutes (service default 60)."},
		{name: "cancelTimeoutInMinutes", doc: "Time the job's steps get to stop when it is canceled."},
		{name: "variables", doc: "Variables of the job."},
		{name: "pool", doc: "The agent pool the job runs on."},
		{name: "container", doc: "Run the job's steps in this container."},
		{name: "services", doc: "Service containers started beside the job."},
		{name: "strategy", doc: "`matrix` or `parallel` for a job; `runOnce`, `rolling` or `canary` for a deployment."},
		{name: "workspace", doc: "`clean`: what to clean before the job.", values: nil},
		{name: "steps", doc: "The steps of the job."},
		{name: "environment", doc: "The environment (and resource) a deployment job targets."},
		{name: "uses", doc: "Repositories and pools the job uses beyond its checkouts."},
		{name: "templateContext", doc: "Data a template reads alongside the job (`jobList` parameters)."},
		{name: "template", doc: "Include a job template."},
	}
	stepKeys = []keyDoc{
		{name: "script", doc: "Run a script with cmd.exe on Windows, Bash elsewhere (task CmdLine@2)."},
		{name: "bash", doc: "Run a Bash script (task Bash@3)."},
		{name: "pwsh", doc: "Run a PowerShell Core script (task PowerShell@2 with pwsh: true)."},
		{name: "powershell", doc: "Run a Windows PowerShell script (task PowerShell@2)."},
		{name: "checkout", doc: "Check out a repository: `self`, `none` or a repository alias."},
		{name: "task", doc: "Run a task, written `Name@MajorVersion`, with its `inputs`."},
		{name: "template", doc: "Include a step template."},
		{name: "download", doc: "Download artifacts: `current`, a pipeline resource, or `none`."},
		{name: "downloadBuild", doc: "Download build artifacts (task DownloadBuildArtifacts)."},
		{name: "publish", doc: "Publish a file or folder as a pipeline artifact (task PublishPipelineArtifact@1)."},
		{name: "getPackage", doc: "Download a package from a package resource."},
		{name: "reviewApp", doc: "Deploy to a review app of an environment resource."},
		{name: "displayName", doc: "The name shown in the log."},
		{name: "name", doc: "The step's identifier, used for output variables (`steps.NAME.outputs`)."},
		{name: "condition", doc: "A runtime expression deciding whether the step runs (default `succeeded()`)."},
		{name: "continueOnError", doc: "Report a failure as SucceededWithIssues and go on."},
		{name: "enabled", doc: "Whether the step runs at all (default true)."},
		{name: "env", doc: "Environment variables of the step."},
		{name: "timeoutInMinutes", doc: "Cancel the step after this many minutes."},
		{name: "retryCountOnTaskFailure", doc: "Run a failing step again, up to this many times."},
		{name: "target", doc: "Where the step runs: `host` or a container, and which logging commands it may use."},
		{name: "workingDirectory", doc: "The folder the script starts in (default: the sources folder)."},
		{name: "failOnStderr", doc: "Fail when the script writes to standard error."},
		{name: "inputs", doc: "The task's inputs."},
		{name: "artifact", doc: "The artifact's name."},
		{name: "patterns", doc: "Minimatch patterns selecting the artifact's files to download."},
	}
	poolKeys = []keyDoc{
		{name: "name", doc: "The pool's name."},
		{name: "vmImage", doc: "A Microsoft-hosted image, e.g. `ubuntu-latest`, `windows-latest`, `macOS-latest`.", values: []string{"ubuntu-latest", "windows-latest", "macOS-latest"}},
		{name: "demands", doc: "Capabilities the agent must have, e.g. `Agent.OS -equals Windows_NT`."},
		{name: "image", doc: "1ES pools: the image name."},
		{name: "os", doc: "1ES pools: the image's operating system.", values: []string{"linux", "windows", "macOS"}},
	}
	templateRefKeys = []keyDoc{
		{name: "template", doc: "The template file: relative to this file, `/` from the repository root, `@alias` from a repository resource."},
		{name: "parameters", doc: "Values of the template's parameters."},
	}
	parameterDeclKeys = []keyDoc{
		{name: "name", doc: "The parameter's name, read as `${{ parameters.NAME }}`."},
		{name: "displayName", doc: "The label shown when the run is queued."},
		{name: "type", doc: "The parameter's type.", values: []string{"string", "number", "boolean", "object", "step", "stepList", "job", "jobList", "deployment", "deploymentList", "stage", "stageList", "container", "containerList"}},
		{name: "default", doc: "The value when none is given."},
		{name: "values", doc: "The allowed values."},
	}
)

// keySets maps a parent key to the keywords allowed under it.
var keySets = map[string][]keyDoc{
	"":           pipelineKeys,
	"stages":     stageKeys,
	"jobs":       jobKeys,
	"phases":     jobKeys,
	"steps":      stepKeys,
	"pool":       poolKeys,
	"extends":    templateRefKeys,
	"parameters": parameterDeclKeys,
}

// funcDoc documents an expression function.
type funcDoc struct {
	signature, doc string
}

// functions documents the expression functions, by lower-case name.
var functions = map[string]funcDoc{
	"and":               {"and(a, b, ...)", "True when every argument is true; stops at the first false one."},
	"or":                {"or(a, b, ...)", "True when any argument is true; stops at the first true one."},
	"not":               {"not(a)", "True when a is false."},
	"xor":               {"xor(a, b)", "True when exactly one of a and b is true."},
	"eq":                {"eq(a, b)", "True when a equals b; b is converted to a's type, strings compare ignoring case, and the empty string equals null."},
	"ne":                {"ne(a, b)", "True when a does not equal b (see eq)."},
	"gt":                {"gt(a, b)", "True when a is greater than b."},
	"ge":                {"ge(a, b)", "True when a is greater than or equal to b."},
	"lt":                {"lt(a, b)", "True when a is less than b."},
	"le":                {"le(a, b)", "True when a is less than or equal to b."},
	"in":                {"in(needle, a, b, ...)", "True when needle equals one of the others."},
	"notin":             {"notIn(needle, a, b, ...)", "True when needle equals none of the others."},
	"contains":          {"contains(haystack, needle)", "True when the string haystack contains needle (ignoring case)."},
	"containsvalue":     {"containsValue(collection, value)", "True when an array holds value, or an object has it as a property value."},
	"startswith":        {"startsWith(s, prefix)", "True when s starts with prefix (ignoring case)."},
	"endswith":          {"endsWith(s, suffix)", "True when s ends with suffix (ignoring case)."},
	"coalesce":          {"coalesce(a, b, ...)", "The first argument that is neither null nor the empty string."},
	"format":            {"format(fmt, a, ...)", "Replaces {0}, {1}, … in fmt by the arguments; {0:yyyyMMdd} formats a date."},
	"join":              {"join(separator, array)", "The elements of array joined by separator."},
	"split":             {"split(s, separator)", "The parts of s between separators, as an array."},
	"replace":           {"replace(s, old, new)", "s with every old replaced by new."},
	"lower":             {"lower(s)", "s in lower case."},
	"upper":             {"upper(s)", "s in upper case."},
	"length":            {"length(x)", "The length of a string, or the number of elements of an array or object."},
	"trim":              {"trim(s)", "s without leading and trailing white space."},
	"substring":         {"substring(s, start, length)", "Part of s from start (0-based), length characters long (to the end when omitted)."},
	"iif":               {"iif(condition, whenTrue, whenFalse)", "whenTrue if condition is true, else whenFalse; all three arguments are evaluated."},
	"converttojson":     {"convertToJson(value)", "The value written as JSON."},
	"counter":           {"counter(prefix, seed)", "Runtime only: a number that starts at seed and grows by one for each run with the same prefix."},
	"always":            {"always()", "Status: true, even when the run was canceled."},
	"succeeded":         {"succeeded(dependency, ...)", "Status: true when everything before (or the named dependencies) succeeded and the run was not canceled."},
	"failed":            {"failed(dependency, ...)", "Status: true when something before (or a named dependency) failed."},
	"canceled":          {"canceled()", "Status: true when the run was canceled."},
	"succeededorfailed": {"succeededOrFailed(dependency, ...)", "Status: true unless the run was canceled."},
}
