package pipelines

// Pipeline is the typed model of an expanded pipeline. Whatever form the
// YAML used (steps only, jobs only or stages), the model always has stages.
type Pipeline struct {
	Name         string
	Stages       []*Stage
	Variables    []Variable
	Resources    Resources
	Pool         *Pool
	LockBehavior string
	Trigger      *Node // kept as written
	PR           *Node
	Schedules    *Node
}

// Resources are the resources a pipeline declares.
type Resources struct {
	Repositories []Repository
	Containers   []Container
}

// Repository is a repository resource.
type Repository struct {
	Alias, Type, Name, Ref, Endpoint string
	Pos                              Pos
}

// Variable is one entry of a variables block: a name and value, or a
// variable group.
type Variable struct {
	Name     string
	Value    string
	Group    string
	ReadOnly bool
	Pos      Pos
}

// Stage is a stage of the pipeline.
type Stage struct {
	Name         string
	DisplayName  string
	DependsOn    []string
	DependsOnSet bool // dependsOn was written (an empty list means none)
	Condition    string
	Variables    []Variable
	Jobs         []*Job
	Pool         *Pool
	LockBehavior string
	Trigger      string // manual or automatic
	Implicit     bool   // the pipeline had no stages: section
	Pos          Pos
}

// JobKind tells regular jobs from deployment jobs.
type JobKind uint8

// The kinds of jobs.
const (
	RegularJob JobKind = iota
	DeploymentJob
)

// Job is a job or a deployment job.
type Job struct {
	Name                   string
	DisplayName            string
	Kind                   JobKind
	DependsOn              []string
	DependsOnSet           bool
	Condition              string
	ContinueOnError        bool
	TimeoutInMinutes       int
	CancelTimeoutInMinutes int
	Variables              []Variable
	Steps                  []*Step
	Pool                   *Pool
	Container              *Container
	Services               map[string]*Container
	Strategy               *Strategy
	Environment            *Environment
	Deployment             *DeploymentStrategy
	WorkspaceClean         string
	Implicit               bool
	Pos                    Pos
}

// Strategy is a job's matrix or parallel strategy.
type Strategy struct {
	Matrix      []MatrixLeg
	MatrixExpr  string // a runtime expression giving the matrix
	Parallel    int
	MaxParallel int
}

// MatrixLeg is one configuration of a matrix.
type MatrixLeg struct {
	Name      string
	Variables []Variable
}

// Environment is the target of a deployment job.
type Environment struct {
	Name, ResourceName, ResourceType, Tags string
}

// DeploymentStrategy is the strategy of a deployment job.
type DeploymentStrategy struct {
	Kind        string // runOnce, rolling or canary
	Hooks       []*Hook
	Increments  []int
	MaxParallel string
}

// Hook is a lifecycle hook of a deployment strategy.
type Hook struct {
	Name  string // preDeploy, deploy, routeTraffic, postRouteTraffic, on.failure, on.success
	Steps []*Step
	Pool  *Pool
}

// StepKind is what a step does.
type StepKind string

// The step kinds.
const (
	StepScript        StepKind = "script"
	StepBash          StepKind = "bash"
	StepPwsh          StepKind = "pwsh"
	StepPowerShell    StepKind = "powershell"
	StepCheckout      StepKind = "checkout"
	StepTask          StepKind = "task"
	StepDownload      StepKind = "download"
	StepDownloadBuild StepKind = "downloadBuild"
	StepGetPackage    StepKind = "getPackage"
	StepPublish       StepKind = "publish"
	StepReviewApp     StepKind = "reviewApp"
	StepUpload        StepKind = "upload" // the older name of publish
)

// Step is one step of a job.
type Step struct {
	Kind             StepKind
	Body             string // the script, task name, checkout target, artifact, …
	Name             string
	DisplayName      string
	Condition        string
	ContinueOnError  bool
	Enabled          bool
	Env              []Variable
	WorkingDirectory string
	TimeoutInMinutes int
	RetryCount       int // retryCountOnTaskFailure
	FailOnStderr     bool
	Inputs           []Variable
	Target           string
	Pos              Pos
}

// Pool is an agent pool. Beyond name, vmImage and demands the service
// accepts any key (1ES and OneBranch pools say image, os, type,
// hostArchitecture …); os and image are kept to tell what host the job needs.
type Pool struct {
	Name    string
	VMImage string
	Demands []string
	Image   string // 1ES pools: the image name
	OS      string // 1ES pools: windows, linux or macOS
}

// Container is a container resource or a job's container.
type Container struct {
	Alias   string
	Image   string
	Options string
	Env     []Variable
	Ports   []string
	Volumes []string
	Expr    string // a runtime expression naming the container
}
