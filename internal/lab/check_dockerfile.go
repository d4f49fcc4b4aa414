package lab

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	bkshell "github.com/moby/buildkit/frontend/dockerfile/shell"
)

// Dockerfiles, parsed with BuildKit's own parser (the one `docker build`
// uses) and inspected statically: nothing is built or pulled.

type dockerfileParams struct {
	File string `yaml:"file"` // default Dockerfile
	// MinStages is the least number of FROM stages (2 for a multi-stage build).
	MinStages int `yaml:"min_stages"`
	// BasePinned wants the final stage's base image pinned: a tag other
	// than latest, or a digest (followed through earlier stages).
	BasePinned bool `yaml:"base_pinned"`
	// BaseImage is a regular expression the final stage's base image must match.
	BaseImage string `yaml:"base_image"`
	// NonRoot wants the final stage to switch to a user that is not root.
	NonRoot bool `yaml:"non_root"`
	// BaseEnv are variables the final base image defines (APP_UID: "1654"
	// for the .NET images), used to expand USER.
	BaseEnv map[string]string `yaml:"base_env"`
	// Healthcheck wants a HEALTHCHECK (not NONE) in the final stage.
	Healthcheck bool `yaml:"healthcheck"`
	// Expose lists the ports the final stage must expose, and only those
	// ("8080" means 8080/tcp).
	Expose []string `yaml:"expose"`
	// NoSecrets refuses ENV, in any stage, and ARG defaults that set a
	// variable named like a secret.
	NoSecrets bool `yaml:"no_secrets"`
	// CopyFromStage wants the final stage to COPY --from an earlier stage.
	CopyFromStage bool `yaml:"copy_from_stage"`
}

func init() {
	register("dockerfile", "a Dockerfile parses (BuildKit's parser) and its stages, final base image, user, HEALTHCHECK, EXPOSE, secrets and COPY --from are as asked", false,
		validateDockerfile, checkDockerfile)
}

// dockerfile is a parsed Dockerfile: its stages and the ARGs before the
// first FROM.
type dockerfile struct {
	stages    []instructions.Stage
	metaArgs  map[string]string // name -> default ("" when it has none)
	metaOrder []string          // their names in the order declared
	lex       *bkshell.Lex
}

// parseDockerfile parses a Dockerfile with BuildKit's parser and splits it
// into stages. Errors name the line.
func parseDockerfile(src []byte) (df *dockerfile, err error) {
	defer func() {
		if v := recover(); v != nil {
			df, err = nil, fmt.Errorf("the Dockerfile parser failed: %v", v)
		}
	}()
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		return nil, dockerfileError(err)
	}
	stages, metaArgs, err := instructions.Parse(res.AST, nil)
	if err != nil {
		return nil, dockerfileError(err)
	}
	if len(stages) == 0 {
		return nil, errors.New("no FROM instruction: a Dockerfile starts a stage with FROM")
	}
	df = &dockerfile{stages: stages, metaArgs: map[string]string{}, lex: bkshell.NewLex(res.EscapeToken)}
	for _, a := range metaArgs {
		for _, kv := range a.Args {
			v := ""
			if kv.Value != nil {
				v = *kv.Value
			}
			if _, seen := df.metaArgs[kv.Key]; !seen {
				df.metaOrder = append(df.metaOrder, kv.Key)
			}
			df.metaArgs[kv.Key] = v
		}
	}
	return df, nil
}

// dockerfileError puts the line of a parser error in front of its message.
func dockerfileError(err error) error {
	msg := err.Error()
	var le *parser.LocationError
	if errors.As(err, &le) && len(le.Locations) > 0 && len(le.Locations[0]) > 0 && !strings.Contains(msg, "line ") {
		return fmt.Errorf("line %d: %s", le.Locations[0][0].Start.Line, msg)
	}
	return errors.New(msg)
}

// lineOfCommand is the first line of an instruction (0 if unknown).
func lineOfCommand(loc []parser.Range) int {
	if len(loc) == 0 {
		return 0
	}
	return loc[0].Start.Line
}

// check applies every test asked; the first that fails decides.
func (df *dockerfile) check(file string, p *dockerfileParams) Outcome {
	final := &df.stages[len(df.stages)-1]
	at := func(loc []parser.Range) string { return fmt.Sprintf("%s:%d", file, lineOfCommand(loc)) }
	var found []string
	if p.MinStages > 0 {
		if len(df.stages) < p.MinStages {
			return fail("%s has %d stage(s), want at least %d (a FROM per stage)", file, len(df.stages), p.MinStages)
		}
		found = append(found, fmt.Sprintf("%d stages", len(df.stages)))
	}
	if p.BasePinned || p.BaseImage != "" {
		image, loc, err := df.baseImage(len(df.stages) - 1)
		if err != nil {
			return fail("%s: %v", at(loc), err)
		}
		if p.BaseImage != "" && !regexp.MustCompile(p.BaseImage).MatchString(image) {
			return fail("%s: the final stage runs on %s, which is not the image asked", at(loc), image)
		}
		if p.BasePinned {
			if why := unpinned(image); why != "" {
				return fail("%s: the final stage's base image %s %s", at(loc), image, why)
			}
		}
		found = append(found, "final base "+image)
	}
	if p.NonRoot {
		user, loc, err := df.finalUser(final, p.BaseEnv)
		if err != nil {
			return fail("%s: %v", at(loc), err)
		}
		if user == "" {
			return fail("%s: the final stage has no USER instruction, so the container runs as the base image's user (root unless the image says otherwise)", file)
		}
		if isRootUser(user) {
			return fail("%s: the final stage runs as %q, which is root", at(loc), user)
		}
		found = append(found, "user "+user)
	}
	if p.Healthcheck {
		var hc *instructions.HealthCheckCommand
		for _, c := range final.Commands {
			if h, ok := c.(*instructions.HealthCheckCommand); ok {
				hc = h
			}
		}
		switch {
		case hc == nil:
			return fail("%s: the final stage has no HEALTHCHECK", file)
		case hc.Health == nil || len(hc.Health.Test) == 0 || strings.EqualFold(hc.Health.Test[0], "NONE"):
			return fail("%s: HEALTHCHECK NONE turns the health check off", at(hc.Location()))
		}
		found = append(found, "HEALTHCHECK")
	}
	if p.Expose != nil {
		got, err := df.exposed(final)
		if err != nil {
			return fail("%s: %v", file, err)
		}
		want := map[string]bool{}
		for _, port := range p.Expose {
			n, _ := normalizePort(port)
			want[n] = true
			if !got[n] {
				return fail("%s: the final stage does not EXPOSE %s (it exposes %s)", file, n, portList(got))
			}
		}
		for port := range got {
			if !want[port] {
				return fail("%s: the final stage also exposes %s: expose only %s", file, port, strings.Join(p.Expose, ", "))
			}
		}
		found = append(found, "exposes "+portList(got))
	}
	if p.NoSecrets {
		if s := df.secretVariable(file); s != "" {
			return fail("%s", s)
		}
		found = append(found, "no secret in ENV or ARG")
	}
	if p.CopyFromStage {
		from := ""
		for _, c := range final.Commands {
			if cp, ok := c.(*instructions.CopyCommand); ok && cp.From != "" {
				if i := df.stageIndex(cp.From, len(df.stages)-1); i >= 0 {
					from = cp.From
					break
				}
			}
		}
		if from == "" {
			return fail("%s: the final stage copies nothing from an earlier stage (COPY --from=<stage>)", file)
		}
		found = append(found, "COPY --from="+from)
	}
	return pass("%s: %s", file, strings.Join(found, "; "))
}

// stageIndex finds the stage a FROM or COPY --from names among the stages
// before `before`: by name (case-insensitive) or by index. -1 if none.
func (df *dockerfile) stageIndex(ref string, before int) int {
	if n, err := strconv.Atoi(ref); err == nil {
		if n >= 0 && n < before {
			return n
		}
		return -1
	}
	for i := 0; i < before; i++ {
		if df.stages[i].Name != "" && strings.EqualFold(df.stages[i].Name, ref) {
			return i
		}
	}
	return -1
}

// baseImage is the external image stage i ends up on, following FROM
// <earlier stage> and expanding ARGs declared before the first FROM with
// their defaults.
func (df *dockerfile) baseImage(i int) (string, []parser.Range, error) {
	for guard := 0; guard <= len(df.stages); guard++ {
		st := &df.stages[i]
		res, err := df.lex.ProcessWordWithMatches(st.BaseName, bkshell.EnvsFromSlice(envSlice(df.metaArgs)))
		if err != nil {
			return "", st.Location, fmt.Errorf("FROM %s: %v", st.BaseName, err)
		}
		if name := firstKey(res.Unmatched); name != "" {
			return "", st.Location, fmt.Errorf("FROM %s: the build argument %s has no default, so the base image is not fixed by the Dockerfile", st.BaseName, name)
		}
		image := strings.TrimSpace(res.Result)
		if j := df.stageIndex(image, i); j >= 0 {
			i = j
			continue
		}
		if image == "" {
			return "", st.Location, fmt.Errorf("FROM has an empty image name")
		}
		return image, st.Location, nil
	}
	return "", nil, errors.New("the stages refer to each other in a loop")
}

// firstKey is the smallest key of a set ("" when empty), so messages do
// not depend on map order.
func firstKey(m map[string]struct{}) string {
	first := ""
	for k := range m {
		if first == "" || k < first {
			first = k
		}
	}
	return first
}

func envSlice(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		if v != "" {
			out = append(out, k+"="+v)
		}
	}
	return out
}

// unpinned says why an image reference is not pinned ("" when it is): a
// digest pins it, and so does a tag other than latest; scratch is empty.
func unpinned(image string) string {
	if image == "scratch" || strings.Contains(image, "@sha256:") || strings.Contains(image, "@sha512:") {
		return ""
	}
	name := image
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	_, tag, ok := strings.Cut(name, ":")
	switch {
	case !ok || tag == "":
		return "has no tag, so it means :latest and changes under you: pin a version tag or a digest"
	case strings.EqualFold(tag, "latest"):
		return "is :latest and changes under you: pin a version tag or a digest"
	}
	return ""
}

// finalUser is the user the final stage runs as after expansion: the last
// USER of the stage, or of the stages it is built on ("" when none sets one).
func (df *dockerfile) finalUser(final *instructions.Stage, baseEnv map[string]string) (string, []parser.Range, error) {
	chain := []*instructions.Stage{final}
	for i := len(df.stages) - 1; ; {
		j := df.stageIndex(df.stages[i].BaseName, i)
		if j < 0 || len(chain) > len(df.stages) {
			break
		}
		chain = append(chain, &df.stages[j])
		i = j
	}
	env := map[string]string{}
	for k, v := range baseEnv {
		env[k] = v
	}
	user, raw := "", ""
	var loc []parser.Range
	var userErr error
	for c := len(chain) - 1; c >= 0; c-- {
		st := chain[c]
		args := map[string]string{}
		for _, cmd := range st.Commands {
			switch x := cmd.(type) {
			case *instructions.ArgCommand:
				for _, kv := range x.Args {
					if kv.Value != nil {
						args[kv.Key] = *kv.Value
					} else if v, ok := df.metaArgs[kv.Key]; ok {
						args[kv.Key] = v
					}
				}
			case *instructions.EnvCommand:
				for _, kv := range x.Env {
					v, _, _ := df.lex.ProcessWord(kv.Value, bkshell.EnvsFromSlice(envSlice(merge(args, env))))
					env[kv.Key] = v
				}
			case *instructions.UserCommand:
				// Only the last USER counts: expand each, keep the last.
				res, err := df.lex.ProcessWordWithMatches(x.User, bkshell.EnvsFromSlice(envSlice(merge(args, env))))
				user, raw, loc, userErr = strings.TrimSpace(res.Result), x.User, x.Location(), nil
				if err != nil {
					userErr = fmt.Errorf("USER %s: %v", x.User, err)
				} else if name := firstKey(res.Unmatched); name != "" {
					userErr = fmt.Errorf("USER %s: %s is not defined in the Dockerfile (nor known of the base image), so the user cannot be told", x.User, name)
				}
			}
		}
	}
	if userErr != nil {
		return "", loc, userErr
	}
	if user == "" && raw != "" {
		return "", loc, fmt.Errorf("USER %s expands to nothing", raw)
	}
	return user, loc, nil
}

func merge(a, b map[string]string) map[string]string {
	out := make(map[string]string, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}

// isRootUser reports whether a USER value (user[:group]) is root.
func isRootUser(u string) bool {
	name, _, _ := strings.Cut(u, ":")
	name = strings.TrimSpace(name)
	return name == "root" || name == "0" || name == "ContainerAdministrator"
}

// exposed is the set of ports the final stage exposes, as port/protocol.
func (df *dockerfile) exposed(final *instructions.Stage) (map[string]bool, error) {
	got := map[string]bool{}
	for _, c := range final.Commands {
		e, ok := c.(*instructions.ExposeCommand)
		if !ok {
			continue
		}
		for _, port := range e.Ports {
			word, _, err := df.lex.ProcessWord(port, bkshell.EnvsFromSlice(envSlice(df.metaArgs)))
			if err != nil {
				return nil, fmt.Errorf("line %d: EXPOSE %s: %v", lineOfCommand(e.Location()), port, err)
			}
			n, err := normalizePort(word)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", lineOfCommand(e.Location()), err)
			}
			got[n] = true
		}
	}
	return got, nil
}

var portRE = regexp.MustCompile(`^(\d{1,5})(?:-(\d{1,5}))?(?:/(tcp|udp|sctp))?$`)

// normalizePort writes a port as port/protocol (tcp by default).
func normalizePort(s string) (string, error) {
	m := portRE.FindStringSubmatch(strings.ToLower(strings.TrimSpace(s)))
	if m == nil {
		return "", fmt.Errorf("%q is not a port (8080, 8080/tcp, 53/udp)", s)
	}
	if n, _ := strconv.Atoi(m[1]); n == 0 || n > 65535 {
		return "", fmt.Errorf("%q is not a port number", s)
	}
	proto := m[3]
	if proto == "" {
		proto = "tcp"
	}
	port := m[1]
	if m[2] != "" {
		port += "-" + m[2]
	}
	return port + "/" + proto, nil
}

func portList(set map[string]bool) string {
	if len(set) == 0 {
		return "none"
	}
	return strings.Join(sortedKeys(set), ", ")
}

// secretWords are the words of a variable name (split on _ - .) that make
// it look like a secret, as in BuildKit's SecretsUsedInArgOrEnv rule, plus
// the .NET spelling of connection strings; secretSuffixes catch camel case
// (DbPassword, ApiKey); publicWords clear a name (PUBLIC_KEY, KEY_FILE).
var (
	secretWords = map[string]bool{"apikey": true, "auth": true, "credential": true, "credentials": true, "key": true,
		"password": true, "pword": true, "passwd": true, "pwd": true, "secret": true, "token": true,
		"connectionstring": true, "connectionstrings": true}
	secretSuffixes = []string{"password", "passwd", "secret", "key", "token", "connectionstring"}
	publicWords    = map[string]bool{"public": true, "file": true, "version": true}
	nameSplitRE    = regexp.MustCompile(`[_.\-]+`)
)

// secretName reports whether a variable's name looks like it holds a secret.
func secretName(name string) bool {
	words := nameSplitRE.Split(strings.ToLower(name), -1)
	secret := false
	for _, w := range words {
		if publicWords[w] {
			return false
		}
		if secretWords[w] {
			secret = true
		}
		for _, s := range secretSuffixes {
			if len(w) > len(s) && strings.HasSuffix(w, s) {
				secret = true
			}
		}
	}
	return secret
}

// secretVariable finds an ENV, in any stage, or an ARG default that sets
// a secret-named variable ("" when there is none). ENV values persist in
// the image; ARG defaults are literals in the Dockerfile.
func (df *dockerfile) secretVariable(file string) string {
	for _, name := range df.metaOrder {
		if v := df.metaArgs[name]; v != "" && secretName(name) {
			return fmt.Sprintf("%s: ARG %s has a default value: a secret does not belong in the Dockerfile (use a build secret mount, or app settings at run time)", file, name)
		}
	}
	for _, st := range df.stages {
		for _, c := range st.Commands {
			switch x := c.(type) {
			case *instructions.EnvCommand:
				for _, kv := range x.Env {
					if strings.TrimSpace(kv.Value) != "" && secretName(kv.Key) {
						return fmt.Sprintf("%s:%d: ENV %s bakes a secret into the image (anyone who pulls it can read it): set it at run time from Key Vault or app settings", file, lineOfCommand(x.Location()), kv.Key)
					}
				}
			case *instructions.ArgCommand:
				for _, kv := range x.Args {
					if kv.Value != nil && *kv.Value != "" && secretName(kv.Key) {
						return fmt.Sprintf("%s:%d: ARG %s has a default value: a secret does not belong in the Dockerfile (use a build secret mount)", file, lineOfCommand(x.Location()), kv.Key)
					}
				}
			}
		}
	}
	return ""
}

// validateDockerfile checks a dockerfile check's parameters.
func validateDockerfile(p *dockerfileParams) error {
	if p.File == "" {
		p.File = "Dockerfile"
	}
	if err := needPath("file", p.File); err != nil {
		return err
	}
	if err := checkRegexp("base_image", p.BaseImage); err != nil {
		return err
	}
	for _, port := range p.Expose {
		if _, err := normalizePort(port); err != nil {
			return fmt.Errorf("expose: %v", err)
		}
	}
	if p.MinStages < 0 {
		return errors.New("min_stages must be positive")
	}
	if p.MinStages == 0 && !p.BasePinned && p.BaseImage == "" && !p.NonRoot && !p.Healthcheck &&
		p.Expose == nil && !p.NoSecrets && !p.CopyFromStage {
		return errors.New("give at least one of min_stages, base_pinned, base_image, non_root, healthcheck, expose, no_secrets, copy_from_stage")
	}
	return nil
}

// checkDockerfile grades the dockerfile check: a Dockerfile parses (BuildKit's parser) and its stages, final base image, user, HEALTHCHECK, EXPOSE, secrets and COPY --from are as asked.
func checkDockerfile(_ context.Context, ws *Workspace, p *dockerfileParams) Outcome {
	file := p.File
	if file == "" {
		file = "Dockerfile"
	}
	src, err := ws.ReadFile(file)
	if err != nil {
		return fail("cannot read %s: %v", file, err)
	}
	if len(src) > maxDocument {
		return fail("%s is larger than %d bytes", file, maxDocument)
	}
	df, err := parseDockerfile(src)
	if err != nil {
		return fail("%s: %v", file, err)
	}
	return df.check(file, p)
}
