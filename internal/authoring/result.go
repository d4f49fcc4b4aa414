package authoring

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/irt"
	"github.com/certlab/certlab/internal/irt/itemreport"
)

// Num is a statistic that may be missing: NaN and infinities are written
// as JSON null and read back as NaN.
type Num float64

// MarshalJSON writes null for a missing value.
func (n Num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, f, 'g', 6, 64), nil
}

// UnmarshalJSON reads null as NaN.
func (n *Num) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = Num(math.NaN())
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*n = Num(f)
	return nil
}

// Missing reports whether the value is missing.
func (n Num) Missing() bool { return math.IsNaN(float64(n)) || math.IsInf(float64(n), 0) }

func nums(v []float64) []Num {
	out := make([]Num, len(v))
	for i, x := range v {
		out[i] = Num(x)
	}
	return out
}

func floats(v []Num) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// OptionLabel names an option of an item in the distractor analysis.
type OptionLabel struct {
	Letter string `json:"letter"` // A, B, … in the authored order
	ID     string `json:"id"`
	Text   string `json:"text"`
}

// OptionResult is one option of an item in the distractor analysis.
type OptionResult struct {
	OptionLabel
	Key           bool  `json:"key"`
	Proportion    Num   `json:"proportion"` // of the candidates who answered
	ByGroup       []Num `json:"by_group"`   // chosen in each ability group, lowest first
	PointBiserial Num   `json:"point_biserial"`
}

// ItemResult is the analysis of one item: classical statistics, IRT
// parameters with their standard errors, fit and flags.
type ItemResult struct {
	ID             string         `json:"id"`
	N              int            `json:"n"`
	PValue         Num            `json:"p_value"`
	PointBiserial  Num            `json:"point_biserial"`
	Discrimination Num            `json:"discrimination"`
	AlphaIfDeleted Num            `json:"alpha_if_deleted"`
	ByGroup        []Num          `json:"by_group"`
	A              Num            `json:"a"`
	B              Num            `json:"b"`
	C              Num            `json:"c"`
	SEA            Num            `json:"se_a"`
	SEB            Num            `json:"se_b"`
	SEC            Num            `json:"se_c"`
	Infit          Num            `json:"infit"`
	Outfit         Num            `json:"outfit"`
	SX2            Num            `json:"s_x2"`
	SX2DF          int            `json:"s_x2_df"`
	SX2P           Num            `json:"s_x2_p"`
	Flags          []string       `json:"flags"`
	Options        []OptionResult `json:"options,omitempty"`
}

// Result is what a finished calibration run found. It is aggregate: no
// candidate's identity or response is in it.
type Result struct {
	Exam         string `json:"exam"`
	Model        string `json:"model"`
	MinResponses int    `json:"min_responses"`
	Dropped      int    `json:"dropped"`
	Examinees    int    `json:"examinees"`
	LogLik       Num    `json:"log_likelihood"`
	Cycles       int    `json:"cycles"`
	Converged    bool   `json:"converged"`
	Mean         Num    `json:"mean"`
	SD           Num    `json:"sd"`
	Alpha        Num    `json:"alpha"`
	SEM          Num    `json:"sem"`
	Groups       int    `json:"groups"`
	GroupTheta   []Num  `json:"group_theta"`
	// Flagged counts the items with at least one flag.
	Flagged int          `json:"flagged"`
	Items   []ItemResult `json:"items"`
}

func newResult(ex *certlab.Exam, model irt.Model, min int, m *Matrix, cal *irt.Result, ses []irt.ParamSE, an *irt.Analysis, labels [][]OptionLabel) *Result {
	res := &Result{Exam: ex.ID, Model: model.String(), MinResponses: min, Dropped: m.Dropped, Examinees: an.Test.N,
		LogLik: Num(cal.LogLik), Cycles: cal.Cycles + cal.WarmStartCycles, Converged: cal.Converged,
		Mean: Num(an.Test.Mean), SD: Num(an.Test.SD), Alpha: Num(an.Test.Alpha), SEM: Num(an.Test.SEM), Groups: an.Test.Groups, GroupTheta: nums(an.Test.GroupTheta)}
	for j, st := range an.Items {
		it := cal.Items[j]
		row := ItemResult{ID: st.ID, N: st.N, PValue: Num(st.PValue), PointBiserial: Num(st.PointBiserial), Discrimination: Num(st.Discrimination),
			AlphaIfDeleted: Num(st.AlphaIfDeleted), ByGroup: nums(st.ByGroup), A: Num(it.A), B: Num(it.B), C: Num(it.C),
			SEA: Num(ses[j].A), SEB: Num(ses[j].B), SEC: Num(ses[j].C),
			Infit: Num(st.Infit), Outfit: Num(st.Outfit), SX2: Num(st.SX2), SX2DF: st.SX2DF, SX2P: Num(st.SX2P), Flags: []string{}}
		if model != irt.ThreePL {
			row.C, row.SEC = Num(math.NaN()), Num(math.NaN())
		}
		for _, f := range st.Flags {
			row.Flags = append(row.Flags, string(f))
		}
		if len(row.Flags) > 0 {
			res.Flagged++
		}
		if labels != nil && labels[j] != nil {
			for _, o := range st.Options {
				k := int(o.Option - 'A')
				if k < 0 || k >= len(labels[j]) {
					continue
				}
				row.Options = append(row.Options, OptionResult{OptionLabel: labels[j][k], Key: o.Key, Proportion: Num(o.Proportion), ByGroup: nums(o.ByGroup), PointBiserial: Num(o.PointBiserial)})
			}
		}
		res.Items = append(res.Items, row)
	}
	return res
}

// Item returns the analysis of one item, or nil.
func (r *Result) Item(id string) *ItemResult {
	for i := range r.Items {
		if r.Items[i].ID == id {
			return &r.Items[i]
		}
	}
	return nil
}

// irt rebuilds the analysis and items for the HTML report.
func (r *Result) irt() (*irt.Analysis, []irt.Item, irt.Model) {
	model, _ := irt.ParseModel(r.Model)
	an := &irt.Analysis{Test: irt.TestStats{N: r.Examinees, M: len(r.Items), Mean: float64(r.Mean), SD: float64(r.SD), Alpha: float64(r.Alpha),
		SEM: float64(r.SEM), Groups: r.Groups, GroupTheta: floats(r.GroupTheta)}}
	items := make([]irt.Item, len(r.Items))
	for j, row := range r.Items {
		st := irt.ItemStats{ID: row.ID, N: row.N, PValue: float64(row.PValue), PointBiserial: float64(row.PointBiserial),
			Discrimination: float64(row.Discrimination), AlphaIfDeleted: float64(row.AlphaIfDeleted), ByGroup: floats(row.ByGroup),
			Infit: float64(row.Infit), Outfit: float64(row.Outfit), SX2: float64(row.SX2), SX2DF: row.SX2DF, SX2P: float64(row.SX2P)}
		for _, f := range row.Flags {
			st.Flags = append(st.Flags, irt.Flag(f))
		}
		for _, o := range row.Options {
			st.Options = append(st.Options, irt.OptionStats{Option: o.Letter[0], Key: o.Key, Proportion: float64(o.Proportion), ByGroup: floats(o.ByGroup), PointBiserial: float64(o.PointBiserial)})
		}
		an.Items = append(an.Items, st)
		c := float64(row.C)
		if row.C.Missing() {
			c = 0
		}
		items[j] = irt.Item{ID: row.ID, Model: model, A: float64(row.A), B: float64(row.B), C: c}
	}
	return an, items, model
}

// Run returns a calibration run with its decoded result (nil until done).
func (s *Service) Run(ctx context.Context, u *certlab.User, id int64) (*certlab.CalibrationRun, *Result, error) {
	if err := allowed(u); err != nil {
		return nil, nil, err
	}
	r, err := s.cfg.Store.CalibrationRun(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if Interrupted(r, s.cfg.Now()) {
		r.Status, r.Message = certlab.RunFailed, "interrupted: the run stopped reporting (its server stopped)"
	}
	if r.Status != certlab.RunDone || r.Result == "" {
		return r, nil, nil
	}
	var res Result
	if err := json.Unmarshal([]byte(r.Result), &res); err != nil {
		return nil, nil, fmt.Errorf("decode the result of calibration run %d: %w", id, err)
	}
	return r, &res, nil
}

// Runs lists an exam's calibration runs ("" for all), newest first.
func (s *Service) Runs(ctx context.Context, u *certlab.User, examID string) ([]*certlab.CalibrationRun, error) {
	if err := allowed(u); err != nil {
		return nil, err
	}
	if examID != "" {
		if _, err := s.cfg.Catalog.Exam(examID); err != nil {
			return nil, err
		}
	}
	runs, err := s.cfg.Store.CalibrationRuns(ctx, examID, 50)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	for _, r := range runs {
		if Interrupted(r, now) {
			r.Status, r.Message = certlab.RunFailed, "interrupted: the run stopped reporting (its server stopped)"
		}
	}
	return runs, nil
}

// Latest returns the newest finished run of an exam with its result, or
// nil when there is none.
func (s *Service) Latest(ctx context.Context, u *certlab.User, examID string) (*certlab.CalibrationRun, *Result, error) {
	runs, err := s.Runs(ctx, u, examID)
	if err != nil {
		return nil, nil, err
	}
	for _, r := range runs {
		if r.Status == certlab.RunDone {
			return s.Run(ctx, u, r.ID)
		}
	}
	return nil, nil, nil
}

// Report renders a finished run as the HTML item report (internal/irt/
// itemreport): a self-contained page with SVG curves and distractor plots.
func (s *Service) Report(ctx context.Context, u *certlab.User, id int64) ([]byte, error) {
	r, res, err := s.Run(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if res == nil {
		return nil, certlab.Errorf(certlab.ECONFLICT, "calibration run %d is %s: it has no report", id, r.Status)
	}
	an, items, model := res.irt()
	var b bytes.Buffer
	title := fmt.Sprintf("Item analysis: %s (run %d, %s, %d candidates)", res.Exam, r.ID, res.Model, res.Examinees)
	if err := itemreport.Write(&b, itemreport.Report{Title: title, Model: model, Analysis: an, Items: items}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Apply writes a finished run's parameters as the exam's calibrated item
// parameters (which readiness, adaptive practice and IRT scaling use),
// with the reason, once.
func (s *Service) Apply(ctx context.Context, u *certlab.User, id int64, reason string) (*certlab.CalibrationRun, error) {
	if err := allowed(u); err != nil {
		return nil, err
	}
	reason, err := cleanNote("a reason", reason, true)
	if err != nil {
		return nil, err
	}
	r, res, err := s.Run(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if res == nil {
		return nil, certlab.Errorf(certlab.ECONFLICT, "calibration run %d is %s: only a finished run's parameters can be applied", id, r.Status)
	}
	if r.AppliedAt != nil {
		return nil, certlab.Errorf(certlab.ECONFLICT, "the parameters of calibration run %d were already applied", id)
	}
	now := s.cfg.Now().UTC()
	var params []certlab.ItemParams
	for _, row := range res.Items {
		c := float64(row.C)
		if row.C.Missing() {
			c = 0
		}
		if row.A.Missing() || row.B.Missing() {
			continue
		}
		params = append(params, certlab.ItemParams{ItemID: row.ID, A: float64(row.A), B: float64(row.B), C: c, Model: res.Model, CalibratedAt: now})
	}
	if err := s.cfg.Store.MarkRunApplied(ctx, id, now); err != nil {
		return nil, err
	}
	if err := s.cfg.Study.SaveItemParams(ctx, r.ExamID, params); err != nil {
		return nil, err
	}
	if err := s.cfg.Audit.Record(ctx, u, "calibration.apply", fmt.Sprintf("calibration:%d", id), "%d item parameters of %s: %s", len(params), r.ExamID, reason); err != nil {
		return nil, err
	}
	r.AppliedAt = &now
	return r, nil
}
