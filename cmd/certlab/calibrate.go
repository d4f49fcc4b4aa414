package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/certlab/certlab/internal/irt"
)

// runCalibrate estimates IRT item parameters from a response matrix:
//
//	certlab calibrate --responses FILE.csv --model rasch|2pl|3pl|gpcm --out PARAMS.csv [--anchors PARAMS.csv]
//	                  [--scores SCORES.csv [--cut-theta T | --angoff RATINGS.csv]]
func runCalibrate(ctx context.Context, env *Env, args []string) error {
	fset := flag.NewFlagSet("calibrate", flag.ContinueOnError)
	fset.SetOutput(env.Stderr)
	respPath := fset.String("responses", "", "response matrix: CSV of 0/1 (or 0..K) scores, one examinee a row, empty for missing, optional header of item ids")
	exam := fset.String("exam", "", "calibrate the items of EXAM from the responses stored in the database and write the parameters back to it")
	sf := registerSettings(fset, []setting{dbSetting, contentSetting})
	minResponses := fset.Int("min-responses", 200, "with --exam: calibrate only items answered by at least this many candidates")
	anchorStored := fset.Bool("anchor-stored", false, "with --exam: keep items already calibrated fixed, so new items land on the existing scale")
	modelName := fset.String("model", "2pl", "IRT model: rasch, 2pl, 3pl or gpcm")
	outPath := fset.String("out", "", "write the parameters (item,a,b,c) to this CSV file; - for standard output")
	anchorsPath := fset.String("anchors", "", "CSV of fixed item parameters (item,a,b,c) matched to the response header by item id")
	quad := fset.Int("quad", 61, "quadrature points on [-6, 6] (at least 41)")
	tol := fset.Float64("tol", 1e-4, "stop when no parameter changes by more than this in an EM cycle")
	maxCycles := fset.Int("max-cycles", 500, "maximum EM cycles")
	quiet := fset.Bool("quiet", false, "no progress bar")
	scoresPath := fset.String("scores", "", "also write each examinee's EAP and ML ability (and scaled score with a cut) to this CSV file")
	cutTheta := fset.Float64("cut-theta", math.NaN(), "cut ability, reported as 700 on the 1-1000 scale")
	angoffPath := fset.String("angoff", "", "modified-Angoff ratings CSV (one rater a row, one item a column) that set the cut ability")
	fset.Usage = usageFunc(env.Stderr, fset, "calibrate --responses FILE.csv | --exam EXAM [flags]", sf)
	if err := fset.Parse(args); err != nil {
		return err
	}
	if fset.NArg() > 0 {
		return fmt.Errorf("calibrate: unexpected argument %q", fset.Arg(0))
	}
	if *exam != "" {
		if *respPath != "" {
			return fmt.Errorf("calibrate: give --responses or --exam, not both")
		}
		model, err := irt.ParseModel(*modelName)
		if err != nil {
			return fmt.Errorf("calibrate: %w", err)
		}
		opt := irt.Options{Model: model, QuadPoints: *quad, Tol: *tol, MaxCycles: *maxCycles}
		bar := &progressBar{w: env.Stderr, tol: opt.Tol}
		if !*quiet {
			opt.Progress = bar.update
		}
		var cfg Config
		if err := sf.resolve(env.Getenv, &cfg); err != nil {
			return err
		}
		return calibrateExam(ctx, env, cfg, *exam, opt, bar, *minResponses, *anchorStored, *outPath)
	}
	if *respPath == "" || *outPath == "" {
		fset.Usage()
		return fmt.Errorf("calibrate: --responses and --out are required")
	}
	if *scoresPath == "" && (*angoffPath != "" || !math.IsNaN(*cutTheta)) {
		return fmt.Errorf("calibrate: --cut-theta and --angoff need --scores")
	}
	if *angoffPath != "" && !math.IsNaN(*cutTheta) {
		return fmt.Errorf("calibrate: give --cut-theta or --angoff, not both")
	}
	model, err := irt.ParseModel(*modelName)
	if err != nil {
		return fmt.Errorf("calibrate: %w", err)
	}
	resp, err := readResponsesFile(*respPath)
	if err != nil {
		return fmt.Errorf("calibrate: %w", err)
	}
	opt := irt.Options{Model: model, QuadPoints: *quad, Tol: *tol, MaxCycles: *maxCycles}
	if *anchorsPath != "" {
		opt.Anchors, err = readAnchors(*anchorsPath, resp)
		if err != nil {
			return fmt.Errorf("calibrate: %w", err)
		}
	}
	bar := &progressBar{w: env.Stderr, tol: opt.Tol}
	if !*quiet {
		opt.Progress = bar.update
	}
	start := time.Now()
	res, err := irt.Calibrate(ctx, resp, opt)
	bar.finish()
	if err != nil {
		return fmt.Errorf("%s: %w", *respPath, err)
	}
	if err := writeItemsFile(*outPath, env.Stdout, res.Items); err != nil {
		return fmt.Errorf("calibrate: %w", err)
	}
	if *scoresPath != "" {
		if err := writeScores(ctx, env, *scoresPath, resp, res, *cutTheta, *angoffPath); err != nil {
			return fmt.Errorf("calibrate: %w", err)
		}
	}
	status := "converged"
	if !res.Converged {
		status = "NOT converged"
	}
	fmt.Fprintf(env.Stderr, "calibrated %d items (%s) on %d examinees: %s after %d EM cycles in %.2fs, log-likelihood %.2f\n",
		resp.M, model, resp.N, status, res.Cycles+res.WarmStartCycles, time.Since(start).Seconds(), res.LogLik)
	if len(opt.Anchors) > 0 {
		fmt.Fprintf(env.Stderr, "%d anchored items; ability distribution of this group on the anchors' scale: mean %.3f, SD %.3f\n",
			len(opt.Anchors), res.LatentMean, res.LatentSD)
	}
	return nil
}

func readResponsesFile(path string) (*irt.Responses, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return irt.ReadResponsesCSV(f, path)
}

// readAnchors reads fixed parameters and maps them to response columns by
// item id.
func readAnchors(path string, resp *irt.Responses) (map[int]irt.Item, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	items, err := irt.ReadItemsCSV(f, path)
	if err != nil {
		return nil, err
	}
	col := make(map[string]int, resp.M)
	for j, id := range resp.ItemIDs {
		col[id] = j
	}
	anchors := make(map[int]irt.Item, len(items))
	for _, it := range items {
		j, ok := col[it.ID]
		if !ok {
			return nil, fmt.Errorf("%s: anchor item %q is not a column of the responses (anchoring needs a header row of item ids)", path, it.ID)
		}
		anchors[j] = it
	}
	return anchors, nil
}

func writeItemsFile(path string, stdout io.Writer, items []irt.Item) error {
	if path == "-" {
		return irt.WriteItemsCSV(stdout, items)
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := irt.WriteItemsCSV(f, items); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// progressBar draws EM progress on one terminal line. The bar measures how
// far the parameter change has fallen, on a log scale, from the first
// cycle's change to the convergence tolerance.
type progressBar struct {
	w       io.Writer
	tol     float64
	first   float64
	frac    float64
	warm    bool
	drawn   bool
	lastLen int
}

func (b *progressBar) update(p irt.Progress) {
	if p.WarmStart != b.warm {
		// The subsample calibration and the full one each get a bar.
		b.finish()
		b.warm, b.first, b.frac, b.drawn, b.lastLen = p.WarmStart, 0, 0, false, 0
	}
	// Extrapolation steps report no change: keep the bar where it was.
	if !math.IsNaN(p.Change) && p.Change > 0 {
		if b.first == 0 {
			b.first = math.Max(p.Change, b.tol*10)
		}
		frac := math.Log(b.first/p.Change) / math.Log(b.first/b.tol)
		b.frac = math.Max(b.frac, math.Max(0, math.Min(1, frac)))
	}
	frac := b.frac
	const width = 30
	n := int(frac * width)
	what := "EM cycle"
	if p.WarmStart {
		what = "subsample EM cycle"
	}
	line := fmt.Sprintf("%s %3d [%s%s] log-likelihood %.2f", what, p.Cycle, strings.Repeat("#", n), strings.Repeat(".", width-n), p.LogLik)
	if !math.IsNaN(p.Change) {
		line += fmt.Sprintf("  change %.1e", p.Change)
	}
	pad := max(0, b.lastLen-len(line))
	fmt.Fprintf(b.w, "\r%s%s", line, strings.Repeat(" ", pad))
	b.lastLen = len(line)
	b.drawn = true
}

func (b *progressBar) finish() {
	if b.drawn {
		fmt.Fprintln(b.w)
	}
}

// writeScores writes every examinee's EAP (with posterior SD) and ML (with
// SE) ability and, when a cut is given or derived from Angoff ratings, the
// scaled score of the EAP ability and the pass decision.
func writeScores(ctx context.Context, env *Env, path string, resp *irt.Responses, res *irt.Result, cutTheta float64, angoffPath string) error {
	if angoffPath != "" {
		var err error
		cutTheta, err = angoffCut(angoffPath, res.Items)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stderr, "modified-Angoff cut: θ = %.3f (expected raw score %.2f of %d items)\n",
			cutTheta, irt.TestCharacteristic(res.Items, cutTheta), len(res.Items))
	}
	var scale irt.Scale
	scaled := !math.IsNaN(cutTheta)
	if scaled {
		var err error
		if scale, err = irt.NewScale(cutTheta); err != nil {
			return err
		}
	}
	sc, err := irt.NewScorerWithPrior(res.Items, res.Prior)
	if err != nil {
		return err
	}
	eap, err := sc.ScoreEAP(ctx, resp)
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	fmt.Fprint(w, "examinee,theta_eap,se_eap,theta_ml,se_ml")
	if scaled {
		fmt.Fprint(w, ",scaled,passed")
	}
	fmt.Fprintln(w)
	passed := 0
	for i, e := range eap {
		ml, err := sc.ML(resp.Row(i))
		if err != nil {
			f.Close()
			return fmt.Errorf("examinee %d: %w", i+1, err)
		}
		fmt.Fprintf(w, "%d,%.4f,%.4f,%.4f,%.4f", i+1, e.Theta, e.SE, ml.Theta, ml.SE)
		if scaled {
			p := scale.Passed(e.Theta)
			if p {
				passed++
			}
			fmt.Fprintf(w, ",%d,%t", scale.ScaledScore(e.Theta), p)
		}
		fmt.Fprintln(w)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if scaled {
		fmt.Fprintf(env.Stderr, "scores: %d of %d examinees at or above the cut (scaled 700 = θ %.3f)\n", passed, resp.N, cutTheta)
	}
	return nil
}

// angoffCut reads modified-Angoff ratings, matched to the calibrated items
// by id when the ratings have a header row and by order otherwise, and
// returns the cut ability.
func angoffCut(path string, items []irt.Item) (float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	ids, ratings, err := irt.ReadRatingsCSV(f, path)
	if err != nil {
		return 0, err
	}
	if len(ratings[0]) != len(items) {
		return 0, fmt.Errorf("%s: ratings for %d items, calibrated %d", path, len(ratings[0]), len(items))
	}
	if ids != nil {
		col := make(map[string]int, len(ids))
		for k, id := range ids {
			col[id] = k
		}
		ordered := make([][]float64, len(ratings))
		for r, row := range ratings {
			ordered[r] = make([]float64, len(items))
			for j, it := range items {
				k, ok := col[it.ID]
				if !ok {
					return 0, fmt.Errorf("%s: no ratings for item %q", path, it.ID)
				}
				ordered[r][j] = row[k]
			}
		}
		ratings = ordered
	}
	cut, err := irt.CutThetaFromAngoff(items, ratings)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	return cut, nil
}
