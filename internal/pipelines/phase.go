package pipelines

// jobOrPhase checks an item of a jobs or phases list: templates of either
// kind may hold the other.
func (v *validator) jobOrPhase(n *Node) *Job {
	if n != nil && n.Kind == MappingNode && hasKey(n, "phase") && !hasKey(n, "job") && !hasKey(n, "deployment") {
		return v.phase(n)
	}
	return v.job(n, false)
}

// phase checks a legacy phase (the service's schema still accepts
// "phases:" in place of "jobs:") and reads it as the job it stands for:
// queue becomes the pool (its matrix and parallel the strategy, its
// timeouts the job's) and server the agentless pool.
func (v *validator) phase(n *Node) *Job {
	if n == nil || n.Kind != MappingNode {
		v.structural(posOf(n), "A phase must be a mapping")
		return nil
	}
	j := &Job{Pos: n.Pos}
	if !hasKey(n, "phase") {
		v.structural(n.Pos, "A phase needs a 'phase' key")
	}
	hasQueue, hasServer := false, false
	for _, p := range n.Pairs {
		switch p.Key.Value {
		case "phase":
			j.Name = v.str(p.Value, "phase")
		case "displayName":
			j.DisplayName = v.str(p.Value, "displayName")
		case "dependsOn":
			j.DependsOn, j.DependsOnSet = v.dependsOn(p.Value)
		case "condition":
			j.Condition = v.condition(p.Value)
		case "continueOnError":
			j.ContinueOnError = v.boolean(p.Value, false)
		case "variables":
			j.Variables = v.variables(p.Value)
		case "steps":
			for _, s := range v.seq(p.Value, "steps") {
				if st := v.step(s, nil); st != nil {
					j.Steps = append(j.Steps, st)
				}
			}
		case "queue":
			hasQueue = true
			v.phaseTarget(p.Value, j, true)
		case "server":
			hasServer = true
			j.Pool = &Pool{Name: "server"}
			if p.Value.IsScalar() {
				v.boolean(p.Value, true)
			} else {
				v.phaseTarget(p.Value, j, false)
			}
		default:
			v.unexpected(p.Key, ": not a phase property")
		}
	}
	if hasQueue && hasServer {
		v.structural(n.Pos, "A phase has either queue or server, not both")
	}
	if j.Name != "" && !isIdentifier(j.Name) {
		v.structural(n.Pos, "Phase name '%s' is not valid: use letters, digits and '_', not starting with a digit", j.Name)
	}
	return j
}

// phaseTarget reads a phase's queue (agent) or server (agentless) target.
func (v *validator) phaseTarget(n *Node, j *Job, queue bool) {
	if n == nil || n.Kind == NullNode {
		return
	}
	if n.IsScalar() {
		j.Pool = &Pool{Name: scalarText(n)}
		return
	}
	if queue {
		j.Pool = &Pool{}
	}
	var parallel *Node
	for _, p := range v.mapping(n, "queue") {
		switch k := p.Key.Value; {
		case k == "name" && queue:
			j.Pool.Name = v.str(p.Value, "queue name")
		case k == "demands" && queue:
			j.Pool.Demands = v.stringList(p.Value, "demands")
		case k == "container" && queue:
			j.Container = &Container{Alias: v.str(p.Value, "container")}
		case k == "workspace" && queue:
			for _, wp := range v.mapping(p.Value, "workspace") {
				if wp.Key.Value != "clean" {
					v.unexpected(wp.Key, ": workspace takes clean")
					continue
				}
				j.WorkspaceClean = v.str(wp.Value, "workspace.clean")
			}
		case k == "matrix":
			s := v.jobStrategy(newMapping(p.Key.Pos, []Pair{p}))
			if j.Strategy == nil {
				j.Strategy = s
			} else {
				j.Strategy.Matrix, j.Strategy.MatrixExpr = s.Matrix, s.MatrixExpr
			}
		case k == "parallel":
			parallel = p.Value
		case k == "timeoutInMinutes":
			j.TimeoutInMinutes = v.integer(p.Value, "timeoutInMinutes")
		case k == "cancelTimeoutInMinutes":
			j.CancelTimeoutInMinutes = v.integer(p.Value, "cancelTimeoutInMinutes")
		default:
			v.unexpected(p.Key, ": not a phase "+map[bool]string{true: "queue", false: "server"}[queue]+" property")
		}
	}
	if parallel != nil {
		if j.Strategy == nil {
			j.Strategy = &Strategy{}
		}
		// With a matrix, parallel bounds the legs running at once;
		// without one, it runs the phase that many times.
		if len(j.Strategy.Matrix) > 0 || j.Strategy.MatrixExpr != "" {
			j.Strategy.MaxParallel = v.integer(parallel, "parallel")
		} else {
			j.Strategy.Parallel = v.integer(parallel, "parallel")
		}
	}
}
