package main

import (
	"context"
	"fmt"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/authoring"
	"github.com/certlab/certlab/internal/irt"
	"github.com/certlab/certlab/internal/pack"
)

// calibrateExam calibrates an exam's items from the results stored in the
// database: one row per candidate with their latest result on each item (1
// when it earned all its points), items answered by too few candidates left
// out, and writes the parameters back as the exam's calibrated item
// parameters (used by readiness, adaptive practice and IRT scaling).
func calibrateExam(ctx context.Context, env *Env, cfg Config, examID string, opt irt.Options, bar *progressBar, minResponses int, anchorStored bool, outPath string) error {
	catalog, _ := pack.Load(app.Packs(cfg.Content))
	ex, err := catalog.Exam(examID)
	if err != nil {
		return err
	}
	s, err := openDB(ctx, cfg, quietLogger(env), false)
	if err != nil {
		return err
	}
	defer s.Close()
	byUser, err := s.ExamResults(ctx, examID)
	if err != nil {
		return err
	}
	m := authoring.ResultMatrix(ex, byUser, minResponses)
	resp, users, dropped := m.Responses, m.Responses.N, m.Dropped
	if resp.M == 0 {
		return fmt.Errorf("calibrate --exam %s: no item has %d or more responses yet (%d candidates have results)", examID, minResponses, len(byUser))
	}
	if anchorStored {
		stored, err := s.ItemParams(ctx, examID)
		if err != nil {
			return err
		}
		opt.Anchors = map[int]irt.Item{}
		for j, id := range resp.ItemIDs {
			if p, ok := stored[id]; ok && p.A > 0 {
				opt.Anchors[j] = irt.Item{ID: id, Model: opt.Model, A: p.A, B: p.B, C: p.C}
			}
		}
	}
	fmt.Fprintf(env.Stderr, "calibrating %d items of %s on %d candidates (%d items with fewer than %d responses left out)\n", resp.M, examID, users, dropped, minResponses)
	start := time.Now()
	res, err := irt.Calibrate(ctx, resp, opt)
	bar.finish()
	if err != nil {
		return fmt.Errorf("calibrate --exam %s: %w", examID, err)
	}
	now := time.Now().UTC()
	var params []certlab.ItemParams
	for _, it := range res.Items {
		if _, anchored := opt.Anchors[indexOf(resp.ItemIDs, it.ID)]; anchored {
			continue
		}
		params = append(params, certlab.ItemParams{ItemID: it.ID, A: it.A, B: it.B, C: it.C, Model: opt.Model.String(), CalibratedAt: now})
	}
	if err := s.SaveItemParams(ctx, examID, params); err != nil {
		return err
	}
	if outPath != "" {
		if err := writeItemsFile(outPath, env.Stdout, res.Items); err != nil {
			return err
		}
	}
	status := "converged"
	if !res.Converged {
		status = "NOT converged"
	}
	fmt.Fprintf(env.Stderr, "%s after %d EM cycles in %.2fs, log-likelihood %.2f; %d item parameters written to the database\n",
		status, res.Cycles+res.WarmStartCycles, time.Since(start).Seconds(), res.LogLik, len(params))
	return nil
}

func indexOf(ids []string, id string) int {
	for i, x := range ids {
		if x == id {
			return i
		}
	}
	return -1
}
