package authoring

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/irt"
	"github.com/certlab/certlab/internal/item"
)

// Models are the IRT models a calibration from stored results can use:
// stored results are right or wrong (1 when a question earned all its
// points), so only dichotomous models apply.
var Models = []string{"rasch", "2pl", "3pl"}

// DefaultMinResponses is how many candidates must have answered an item
// for it to take part in a calibration, unless the request says otherwise.
const DefaultMinResponses = 30

// staleAfter is how long a run may stay silent before it counts as
// interrupted (its server stopped): a calibration reports every second.
const staleAfter = 2 * time.Minute

// CalibrationRequest starts a calibration.
type CalibrationRequest struct {
	Exam         string `json:"exam"`
	Model        string `json:"model"`
	MinResponses int    `json:"min_responses"`
}

// Interrupted reports whether a run that says it is running has not
// reported for a while at now: its server stopped.
func Interrupted(r *certlab.CalibrationRun, now time.Time) bool {
	return r.Status == certlab.RunRunning && now.Sub(r.UpdatedAt) > staleAfter
}

// StartCalibration starts an item analysis and calibration of an exam
// from the stored results, in the background, and returns its run: the
// run's progress is in the store until it is done or failed.
func (s *Service) StartCalibration(ctx context.Context, u *certlab.User, req CalibrationRequest) (*certlab.CalibrationRun, error) {
	if err := allowed(u); err != nil {
		return nil, err
	}
	ex, err := s.cfg.Catalog.Exam(req.Exam)
	if err != nil {
		return nil, err
	}
	if req.Model == "" {
		req.Model = "2pl"
	}
	if !contains(Models, strings.ToLower(req.Model)) {
		return nil, certlab.Errorf(certlab.EINVALID, "model %q: calibrations from stored results use %s", req.Model, strings.Join(Models, ", "))
	}
	model, _ := irt.ParseModel(req.Model)
	if req.MinResponses == 0 {
		req.MinResponses = DefaultMinResponses
	}
	if req.MinResponses < 1 || req.MinResponses > 1_000_000 {
		return nil, certlab.Errorf(certlab.EINVALID, "minimum responses %d must be from 1 to 1000000", req.MinResponses)
	}
	now := s.cfg.Now().UTC()
	runs, err := s.cfg.Store.CalibrationRuns(ctx, ex.ID, 1)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, busy := s.running[ex.ID]; busy || len(runs) > 0 && runs[0].Status == certlab.RunRunning && !Interrupted(runs[0], now) {
		return nil, certlab.Errorf(certlab.ECONFLICT, "a calibration of %s is running: wait for it to finish", ex.ID)
	}
	opt := irt.Options{Model: model}
	r := &certlab.CalibrationRun{ExamID: ex.ID, Model: model.String(), Status: certlab.RunRunning, Phase: "waiting to start",
		MaxCycles: 500, StartedBy: u.ID, StartedAt: now, UpdatedAt: now}
	if err := s.cfg.Store.CreateCalibrationRun(ctx, r); err != nil {
		return nil, err
	}
	if err := s.cfg.Audit.Record(ctx, u, "calibration.start", fmt.Sprintf("calibration:%d", r.ID),
		"%s, model %s, items with at least %d responses", ex.ID, r.Model, req.MinResponses); err != nil {
		return nil, err
	}
	// The caller gets the run as created: the job writes to r from now on.
	cp := *r
	jobCtx, cancel := context.WithCancel(s.ctx)
	s.running[ex.ID] = cancel
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		defer func() {
			s.mu.Lock()
			delete(s.running, ex.ID)
			s.mu.Unlock()
			cancel()
		}()
		s.runCalibration(jobCtx, r, ex, opt, req.MinResponses)
	}()
	return &cp, nil
}

// runCalibration does the work of a run and records its progress and
// outcome.
func (s *Service) runCalibration(ctx context.Context, r *certlab.CalibrationRun, ex *certlab.Exam, opt irt.Options, min int) {
	last := time.Time{}
	report := func(force bool) {
		now := time.Now()
		if !force && now.Sub(last) < 500*time.Millisecond {
			return
		}
		last = now
		r.UpdatedAt = s.cfg.Now().UTC()
		if err := s.cfg.Store.UpdateCalibrationRun(context.WithoutCancel(ctx), r); err != nil {
			s.cfg.Logger.Error("calibration progress", "run", r.ID, "err", err)
		}
	}
	res, err := s.analyse(ctx, r, ex, opt, min, report)
	end := s.cfg.Now().UTC()
	r.EndedAt = &end
	switch {
	case err == nil:
		b, jerr := json.Marshal(res)
		if jerr != nil {
			err = fmt.Errorf("encode the result: %w", jerr)
			break
		}
		r.Status, r.Phase, r.Progress, r.Result = certlab.RunDone, "done", 1, string(b)
	case errors.Is(err, context.Canceled):
		err = certlab.Errorf(certlab.ECONFLICT, "interrupted: the server is stopping")
	}
	if err != nil {
		r.Status, r.Phase = certlab.RunFailed, "failed"
		r.Message = certlab.ErrorMessage(err)
		if certlab.ErrorCode(err) == certlab.EINTERNAL {
			s.cfg.Logger.Error("calibration", "run", r.ID, "exam", ex.ID, "err", err)
			r.Message = "internal error: " + err.Error()
		}
	}
	report(true)
	s.cfg.Logger.Info("calibration finished", "run", r.ID, "exam", ex.ID, "status", r.Status, "items", r.Items, "examinees", r.Examinees)
}

// analyse builds the response matrix, calibrates, computes the standard
// errors and the item analysis.
func (s *Service) analyse(ctx context.Context, r *certlab.CalibrationRun, ex *certlab.Exam, opt irt.Options, min int, report func(bool)) (*Result, error) {
	r.Phase = "reading the stored results"
	report(true)
	byUser, err := s.cfg.Study.ExamResults(ctx, ex.ID)
	if err != nil {
		return nil, err
	}
	m := ResultMatrix(ex, byUser, min)
	r.Items, r.Examinees = m.Responses.M, m.Responses.N
	if m.Responses.M < 2 {
		return nil, certlab.Errorf(certlab.EINVALID, "%d items of %s have %d or more responses (%d candidates have results): a calibration needs at least 2",
			m.Responses.M, ex.ID, min, len(byUser))
	}
	r.Phase, r.Progress = "reading the chosen options", 0.05
	report(true)
	choices, keys, labels, err := s.choices(ctx, ex, m)
	if err != nil {
		return nil, err
	}
	r.Phase, r.Progress = "calibrating", 0.1
	report(true)
	opt.MaxCycles = r.MaxCycles
	var first float64
	opt.Progress = func(p irt.Progress) {
		r.Cycle, r.Change = p.Cycle, p.Change
		frac := float64(p.Cycle) / float64(p.MaxCycles)
		if !math.IsNaN(p.Change) && p.Change > 0 {
			if first == 0 {
				first = p.Change
			}
			if first > 1e-4 {
				frac = math.Max(frac, math.Log(first/p.Change)/math.Log(first/1e-4))
			}
		}
		r.Progress = 0.1 + 0.8*math.Min(1, math.Max(0, frac))
		report(false)
	}
	cal, err := irt.Calibrate(ctx, m.Responses, opt)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, err
		}
		return nil, certlab.Errorf(certlab.EINVALID, "calibration of %s failed: %v", ex.ID, err)
	}
	r.Phase, r.Progress = "analysing the items", 0.9
	report(true)
	ses, err := irt.StandardErrors(m.Responses, cal, opt)
	if err != nil {
		return nil, err
	}
	an, err := irt.Analyze(m.Responses, choices, keys, cal.Items, irt.AnalysisOptions{})
	if err != nil {
		return nil, err
	}
	return newResult(ex, opt.Model, min, m, cal, ses, an, labels), nil
}

// Matrix is the candidate × item matrix of latest results of an exam.
type Matrix struct {
	Responses *irt.Responses
	// Attempts holds, per cell, the attempt the result comes from (0 for
	// none); it finds the chosen options. It never leaves the package.
	Attempts []int64
	// Dropped counts the items left out for too few responses.
	Dropped int
}

// ResultMatrix builds the candidate × item matrix of latest results (1
// when the question earned all its points), keeping items of the exam
// answered by at least min candidates. Yes/no series are left out: their
// statements share one item. Rows are candidates in id order, but the
// matrix carries no identity.
func ResultMatrix(ex *certlab.Exam, byUser map[int64][]certlab.Result, min int) *Matrix {
	latest := map[int64]map[string]certlab.Result{}
	count := map[string]int{}
	for uid, rs := range byUser {
		m := map[string]certlab.Result{}
		for _, r := range rs {
			if strings.Contains(r.Key, "~") {
				continue
			}
			if _, ok := ex.Item(r.ItemID); !ok {
				continue
			}
			m[r.ItemID] = r // results come oldest first
		}
		for id := range m {
			count[id]++
		}
		latest[uid] = m
	}
	var ids []string
	dropped := 0
	for id, n := range count {
		if n >= min {
			ids = append(ids, id)
		} else {
			dropped++
		}
	}
	sort.Strings(ids)
	var uids []int64
	for uid, m := range latest {
		for _, id := range ids {
			if _, ok := m[id]; ok {
				uids = append(uids, uid)
				break
			}
		}
	}
	sort.Slice(uids, func(i, j int) bool { return uids[i] < uids[j] })
	resp := irt.NewResponses(len(uids), len(ids))
	copy(resp.ItemIDs, ids)
	attempts := make([]int64, len(uids)*len(ids))
	for i, uid := range uids {
		for j, id := range ids {
			k := i*len(ids) + j
			if r, ok := latest[uid][id]; ok {
				resp.Data[k] = 0
				if r.Correct() {
					resp.Data[k] = 1
				}
				attempts[k] = r.AttemptID
			}
		}
	}
	return &Matrix{Responses: resp, Attempts: attempts, Dropped: dropped}
}

// choices reads the option each candidate chose on items answered by
// choosing one option (the distractor analysis), from the responses of
// the attempts their latest results come from. Options are lettered in
// their authored order. Other items get no option data.
func (s *Service) choices(ctx context.Context, ex *certlab.Exam, m *Matrix) (*irt.Choices, []byte, [][]OptionLabel, error) {
	r := m.Responses
	keys := make([]byte, r.M)
	labels := make([][]OptionLabel, r.M)
	letter := make([]map[string]byte, r.M)
	any := false
	for j, id := range r.ItemIDs {
		it, _ := ex.Item(id)
		key, single := item.Of(it).Key(it, "").(string)
		if !single || len(it.Options) == 0 || len(it.Options) > 26 {
			continue
		}
		letter[j] = map[string]byte{}
		for k, o := range it.Options {
			l := byte('A' + k)
			letter[j][o.ID] = l
			labels[j] = append(labels[j], OptionLabel{Letter: string(rune(l)), ID: o.ID, Text: o.Text})
		}
		if keys[j] = letter[j][key]; keys[j] == 0 {
			letter[j] = nil
			continue
		}
		any = true
	}
	if !any {
		return nil, nil, nil, nil
	}
	c := &irt.Choices{N: r.N, M: r.M, ItemIDs: r.ItemIDs, Data: make([]byte, r.N*r.M)}
	values := map[int64]map[string][]byte{} // attempt -> key -> value
	for k, a := range m.Attempts {
		j := k % r.M
		if a == 0 || letter[j] == nil {
			continue
		}
		vs, ok := values[a]
		if !ok {
			rs, err := s.cfg.Store.Responses(ctx, a)
			if err != nil {
				return nil, nil, nil, err
			}
			vs = map[string][]byte{}
			for _, resp := range rs {
				vs[resp.Key] = resp.Value
			}
			values[a] = vs
		}
		var chosen string
		if json.Unmarshal(vs[r.ItemIDs[j]], &chosen) == nil {
			c.Data[k] = letter[j][chosen]
		}
	}
	return c, keys, labels, nil
}
