package pack

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/certlab/certlab"
	"go.yaml.in/yaml/v3"
)

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]*$`)

type programFile struct {
	ID           string           `yaml:"id"`
	Name         string           `yaml:"name"`
	Description  string           `yaml:"description"`
	Issuer       string           `yaml:"issuer"`
	Level        string           `yaml:"level"`
	Requirements *requirementFile `yaml:"requirements"`
	Validity     certlab.Duration `yaml:"validity"`
	Renewal      *renewalFile     `yaml:"renewal"`
	Badge        string           `yaml:"badge"`
}

type requirementFile struct {
	Exam       string             `yaml:"exam"`
	Credential string             `yaml:"credential"`
	All        []*requirementFile `yaml:"all"`
	Any        []*requirementFile `yaml:"any"`
}

type renewalFile struct {
	OpensBefore             certlab.Duration `yaml:"opens_before"`
	Items                   int              `yaml:"items"`
	TimeLimit               certlab.Duration `yaml:"time_limit"`
	RetakeWaitAfterFailures int              `yaml:"retake_wait_after_failures"`
	RetakeWait              certlab.Duration `yaml:"retake_wait"`
}

type examFile struct {
	ID          string        `yaml:"id"`
	Title       string        `yaml:"title"`
	Description string        `yaml:"description"`
	Outlines    []outlineFile `yaml:"outlines"`
	Policy      policyFile    `yaml:"policy"`
	Delivery    string        `yaml:"delivery"`
	Bank        string        `yaml:"bank"`
}

type outlineFile struct {
	Version string       `yaml:"version"`
	Current bool         `yaml:"current"`
	Title   string       `yaml:"title"`
	Domains []domainFile `yaml:"domains"`
}

type domainFile struct {
	ID         string              `yaml:"id"`
	Name       string              `yaml:"name"`
	Weight     []int               `yaml:"weight"`
	Objectives []certlab.Objective `yaml:"objectives"`
}

type policyFile struct {
	Items        int              `yaml:"items"`
	PilotItems   int              `yaml:"pilot_items"`
	TimeLimit    certlab.Duration `yaml:"time_limit"`
	PassingScore int              `yaml:"passing_score"`
	Scaling      string           `yaml:"scaling"`
	CutPercent   float64          `yaml:"cut_percent"`
	Sections     []struct {
		Kind      string           `yaml:"kind"`
		Count     int              `yaml:"count"`
		TimeLimit certlab.Duration `yaml:"time_limit"`
	} `yaml:"sections"`
	Retake struct {
		AfterFirstFailure certlab.Duration `yaml:"after_first_failure"`
		BetweenLater      certlab.Duration `yaml:"between_later"`
		MaxIn12Months     int              `yaml:"max_in_12_months"`
	} `yaml:"retake"`
}

// loadProgram reads dir/program.yaml and the exams of the pack.
func (l *loader) loadProgram(dir string) *certlab.Program {
	file := path.Join(dir, "program.yaml")
	r := l.reporter(file, 0)
	src, err := fs.ReadFile(l.fsys, file)
	if err != nil {
		r.errorf(0, "read: %v", err)
		return nil
	}
	var pf programFile
	root, ok := decodeStrict(r, src, &pf)
	if !ok {
		return nil
	}
	p := &certlab.Program{
		ID: pf.ID, Name: pf.Name, Description: strings.TrimSpace(pf.Description),
		Issuer: pf.Issuer, Level: pf.Level, Validity: pf.Validity, Dir: l.display(dir),
	}
	if !idRE.MatchString(p.ID) {
		r.errorf(line(r, root, "id"), "program id %q must be lowercase letters, digits, '-' and '.'", p.ID)
	}
	if p.Name == "" {
		r.errorf(line(r, root, "name"), "program name is missing")
	}
	if p.Issuer == "" {
		r.errorf(line(r, root, "issuer"), "issuer is missing")
	}
	switch p.Level {
	case "fundamentals", "associate", "expert", "specialty":
	default:
		r.errorf(line(r, root, "level"), "level %q must be fundamentals, associate, expert or specialty", p.Level)
	}
	if pf.Badge != "" {
		p.Badge = l.loadBadge(dir, pf.Badge, r, line(r, root, "badge"))
	}
	if p.Validity.Duration < 0 {
		r.errorf(line(r, root, "validity"), "validity must not be negative")
	}
	if pf.Renewal != nil {
		p.Renewal = &certlab.Renewal{
			OpensBefore: pf.Renewal.OpensBefore, Items: pf.Renewal.Items, TimeLimit: pf.Renewal.TimeLimit,
			RetakeWaitAfterFailures: pf.Renewal.RetakeWaitAfterFailures, RetakeWait: pf.Renewal.RetakeWait,
		}
		if p.Validity.Duration == 0 {
			r.errorf(line(r, root, "renewal"), "renewal needs a validity period")
		}
		if p.Renewal.Items <= 0 {
			r.errorf(line(r, root, "renewal", "items"), "renewal items must be positive")
		}
		if p.Renewal.TimeLimit.Duration <= 0 {
			r.errorf(line(r, root, "renewal", "time_limit"), "renewal time_limit must be positive")
		}
		if p.Renewal.OpensBefore.Duration <= 0 || p.Renewal.OpensBefore.Duration > p.Validity.Duration {
			r.errorf(line(r, root, "renewal", "opens_before"), "renewal opens_before must be positive and within the validity period")
		}
	}

	// Exams.
	entries, err := fs.ReadDir(l.fsys, path.Join(dir, "exams"))
	if err != nil {
		r.errorf(0, "pack has no exams folder: %v", err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".yaml") {
			continue
		}
		if ex := l.loadExam(p, path.Join(dir, "exams", e.Name())); ex != nil {
			p.Exams = append(p.Exams, ex)
		}
	}
	sort.Slice(p.Exams, func(i, j int) bool { return p.Exams[i].ID < p.Exams[j].ID })
	if len(p.Exams) == 0 {
		r.errorf(0, "program %s has no valid exam", p.ID)
	}
	l.resolveBankOutlines(p)

	if pf.Requirements == nil {
		r.errorf(line(r, root, "requirements"), "requirements are missing")
	} else {
		p.Requirements = l.requirement(r, p, pf.Requirements, child(root, "requirements"))
	}
	return p
}

func (l *loader) requirement(r *reporter, p *certlab.Program, f *requirementFile, n *yaml.Node) *certlab.Requirement {
	set := 0
	for _, b := range []bool{f.Exam != "", f.Credential != "", len(f.All) > 0, len(f.Any) > 0} {
		if b {
			set++
		}
	}
	if set != 1 {
		r.errorf(r.at(n), "a requirement has exactly one of exam, credential, all or any")
		return nil
	}
	req := &certlab.Requirement{Exam: f.Exam, Credential: f.Credential}
	if f.Exam != "" {
		var found *certlab.Exam
		for _, e := range p.Exams {
			if e.ID == f.Exam {
				found = e
			}
		}
		switch {
		case found == nil:
			r.errorf(r.at(n), "requirement names exam %q, which is not an exam of this pack", f.Exam)
		case !found.Proctored():
			r.errorf(r.at(n), "requirement names exam %q, which is unproctored: only proctored exams earn credentials", f.Exam)
		}
	}
	if f.Credential != "" {
		l.credentialRefs = append(l.credentialRefs, credentialRef{file: r.file, line: r.at(n), id: f.Credential})
	}
	for i, s := range f.All {
		req.All = append(req.All, l.requirement(r, p, s, child(n, "all", fmt.Sprint(i))))
	}
	for i, s := range f.Any {
		req.Any = append(req.Any, l.requirement(r, p, s, child(n, "any", fmt.Sprint(i))))
	}
	return req
}

// loadExam reads one exam file.
func (l *loader) loadExam(p *certlab.Program, file string) *certlab.Exam {
	r := l.reporter(file, 0)
	src, err := fs.ReadFile(l.fsys, file)
	if err != nil {
		r.errorf(0, "read: %v", err)
		return nil
	}
	var ef examFile
	root, ok := decodeStrict(r, src, &ef)
	if !ok {
		return nil
	}
	ex := &certlab.Exam{ID: ef.ID, ProgramID: p.ID, Title: ef.Title, Description: strings.TrimSpace(ef.Description),
		Delivery: ef.Delivery, Bank: ef.Bank, File: l.display(file)}
	if !idRE.MatchString(ex.ID) {
		r.errorf(line(r, root, "id"), "exam id %q must be lowercase letters, digits, '-' and '.'", ex.ID)
	}
	if ex.Title == "" {
		r.errorf(line(r, root, "title"), "exam title is missing")
	}
	switch ex.Delivery {
	case "":
		ex.Delivery = certlab.DeliveryProctored
	case certlab.DeliveryProctored, certlab.DeliveryUnproctored:
	default:
		r.errorf(line(r, root, "delivery"), "delivery %q must be proctored or unproctored", ex.Delivery)
	}
	if ex.Bank != "" {
		if ex.Delivery != certlab.DeliveryUnproctored {
			r.errorf(line(r, root, "bank"), "only an unproctored practice exam shares another exam's bank (set delivery: unproctored)")
		}
		if len(ef.Outlines) > 0 {
			r.errorf(line(r, root, "outlines"), "an exam with bank: %s takes that exam's outlines; give none here", ex.Bank)
		}
	} else if len(ef.Outlines) == 0 {
		r.errorf(line(r, root, "outlines"), "exam has no outline")
		return nil
	}
	ex.Outlines = l.loadOutlines(r, root, ef.Outlines, ex.Bank)
	ex.Policy = l.loadPolicy(r, root, ef.Policy)
	return ex
}

// loadOutlines reads an exam's skills outlines: domains with their weight
// ranges and objectives; exactly one is current unless the exam takes its
// outlines from another exam's bank.
func (l *loader) loadOutlines(r *reporter, root *yaml.Node, files []outlineFile, bank string) []*certlab.Outline {
	current := 0
	versions := map[string]bool{}
	var outlines []*certlab.Outline
	for oi, of := range files {
		on := child(root, "outlines", fmt.Sprint(oi))
		o := &certlab.Outline{Version: of.Version, Current: of.Current, Title: of.Title}
		if o.Version == "" {
			r.errorf(r.at(on), "outline has no version")
		}
		if versions[o.Version] {
			r.errorf(r.at(on), "outline version %q appears twice", o.Version)
		}
		versions[o.Version] = true
		if o.Current {
			current++
		}
		domains, objectives := map[string]bool{}, map[string]bool{}
		sumMin, sumMax := 0, 0
		for di, df := range of.Domains {
			dn := child(on, "domains", fmt.Sprint(di))
			d := &certlab.Domain{ID: df.ID, Name: df.Name, Objectives: nil}
			if !idRE.MatchString(d.ID) || domains[d.ID] {
				r.errorf(line(r, dn, "id"), "domain id %q is missing, malformed or repeated", d.ID)
			}
			domains[d.ID] = true
			if d.Name == "" {
				r.errorf(r.at(dn), "domain %s has no name", d.ID)
			}
			if len(df.Weight) != 2 || df.Weight[0] < 0 || df.Weight[0] > df.Weight[1] || df.Weight[1] > 100 {
				r.errorf(line(r, dn, "weight"), "domain %s: weight must be [min, max] percent with 0 <= min <= max <= 100", d.ID)
			} else {
				d.WeightMin, d.WeightMax = df.Weight[0], df.Weight[1]
				sumMin += d.WeightMin
				sumMax += d.WeightMax
			}
			if len(df.Objectives) == 0 {
				r.errorf(r.at(dn), "domain %s has no objectives", d.ID)
			}
			for bi, ob := range df.Objectives {
				if !idRE.MatchString(ob.ID) || objectives[ob.ID] {
					r.errorf(line(r, dn, "objectives", fmt.Sprint(bi)), "objective id %q is missing, malformed or repeated", ob.ID)
				}
				objectives[ob.ID] = true
				ob := ob
				d.Objectives = append(d.Objectives, &ob)
			}
			o.Domains = append(o.Domains, d)
		}
		if len(o.Domains) == 0 {
			r.errorf(r.at(on), "outline %s has no domains", o.Version)
		} else if sumMin > 100 || sumMax < 100 {
			r.errorf(line(r, on, "domains"), "outline %s: domain weight ranges cannot sum to 100%% (minimums add to %d%%, maximums to %d%%)", o.Version, sumMin, sumMax)
		}
		outlines = append(outlines, o)
	}
	if current != 1 && bank == "" {
		r.errorf(line(r, root, "outlines"), "exactly one outline must be current (found %d)", current)
		if current == 0 {
			outlines[0].Current = true
		}
	}
	return outlines

}

// loadPolicy reads an exam's policy: counts, time, the passing score and
// scaling, and its sections (a general section is added when none is
// given, before the sections with a time of their own).
func (l *loader) loadPolicy(r *reporter, root *yaml.Node, pf policyFile) certlab.Policy {
	pol := certlab.Policy{
		Items: pf.Items, PilotItems: pf.PilotItems, TimeLimit: pf.TimeLimit, PassingScore: pf.PassingScore,
		Scaling: pf.Scaling, CutPercent: pf.CutPercent,
		Retake: certlab.RetakePolicy{AfterFirstFailure: pf.Retake.AfterFirstFailure, BetweenLater: pf.Retake.BetweenLater, MaxIn12Months: pf.Retake.MaxIn12Months},
	}
	if pol.Items <= 0 {
		r.errorf(line(r, root, "policy", "items"), "policy items must be positive")
	}
	if pol.PilotItems < 0 {
		r.errorf(line(r, root, "policy", "pilot_items"), "policy pilot_items must not be negative")
	}
	if pol.TimeLimit.Duration <= 0 {
		r.errorf(line(r, root, "policy", "time_limit"), "policy time_limit must be positive")
	}
	if pol.PassingScore < 1 || pol.PassingScore > 1000 {
		r.errorf(line(r, root, "policy", "passing_score"), "passing_score must be between 1 and 1000")
	}
	switch pol.Scaling {
	case "":
		pol.Scaling = "raw"
	case "raw", "irt":
	default:
		r.errorf(line(r, root, "policy", "scaling"), "scaling %q must be raw or irt", pol.Scaling)
	}
	if pol.CutPercent == 0 {
		pol.CutPercent = 70
	}
	if pol.CutPercent <= 0 || pol.CutPercent >= 100 {
		r.errorf(line(r, root, "policy", "cut_percent"), "cut_percent must be between 0 and 100")
	}
	general := 0
	for si, s := range pf.Sections {
		sn := child(root, "policy", "sections", fmt.Sprint(si))
		switch s.Kind {
		case certlab.SectionGeneral:
			general++
		case certlab.SectionCaseStudy, certlab.SectionYesNoSeries, certlab.SectionLab:
			if s.Count < 0 {
				r.errorf(r.at(sn), "section count must not be negative")
			}
		default:
			r.errorf(r.at(sn), "section kind %q must be general, case-study, yes-no-series or lab", s.Kind)
		}
		switch {
		case s.TimeLimit.Duration < 0:
			r.errorf(line(r, sn, "time_limit"), "section time_limit must be positive")
		case s.TimeLimit.Duration > 0 && s.Kind != certlab.SectionLab:
			r.errorf(line(r, sn, "time_limit"), "only a lab section has a time limit of its own (%s sections share the exam's)", s.Kind)
		case s.TimeLimit.Duration == 0 && si > 0 && pf.Sections[si-1].TimeLimit.Duration > 0:
			r.errorf(r.at(sn), "a section that shares the exam's time limit must come before the sections with their own time")
		}
		pol.Sections = append(pol.Sections, certlab.PolicySection{Kind: s.Kind, Count: s.Count, TimeLimit: s.TimeLimit})
	}
	if general > 1 {
		r.errorf(line(r, root, "policy", "sections"), "at most one general section")
	}
	if general == 0 {
		// The general section shares the exam's time: it goes before the
		// sections with their own.
		at := len(pol.Sections)
		for at > 0 && pol.Sections[at-1].TimeLimit.Duration > 0 {
			at--
		}
		pol.Sections = append(pol.Sections[:at], append([]certlab.PolicySection{{Kind: certlab.SectionGeneral}}, pol.Sections[at:]...)...)
	}
	return pol
}

// ownBankExam is the exam an item, case study or path belongs to when it
// names none: the pack's only exam with a bank of its own, or "".
func ownBankExam(p *certlab.Program) string {
	id := ""
	for _, ex := range p.Exams {
		if ex.Bank == "" {
			if id != "" {
				return ""
			}
			id = ex.ID
		}
	}
	return id
}

// resolveBankOutlines gives each exam that shares another's bank that
// exam's outlines, so forms and reports follow the same blueprint.
func (l *loader) resolveBankOutlines(p *certlab.Program) {
	for _, ex := range p.Exams {
		if ex.Bank == "" {
			continue
		}
		bank := bankOf(p, ex)
		if bank == nil {
			l.diags = append(l.diags, Diagnostic{File: ex.File, Message: fmt.Sprintf("exam %s: bank %q is not an exam of this pack with items of its own", ex.ID, ex.Bank)})
			continue
		}
		ex.Outlines = bank.Outlines
	}
	kept := p.Exams[:0]
	for _, ex := range p.Exams {
		if len(ex.Outlines) > 0 {
			kept = append(kept, ex)
		}
	}
	p.Exams = kept
}

// linkBanks gives each exam that shares another's bank that exam's items
// and case studies (once they are loaded).
func linkBanks(p *certlab.Program) {
	for _, ex := range p.Exams {
		if bank := bankOf(p, ex); bank != nil {
			ex.Items, ex.Cases = bank.Items, bank.Cases
		}
	}
}

func bankOf(p *certlab.Program, ex *certlab.Exam) *certlab.Exam {
	if ex.Bank == "" {
		return nil
	}
	for _, b := range p.Exams {
		if b.ID == ex.Bank && b.Bank == "" && b != ex {
			return b
		}
	}
	return nil
}
