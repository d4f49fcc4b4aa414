package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/certlab/certlab/internal/irt"
	"github.com/certlab/certlab/internal/irt/itemreport"
)

// runItems dispatches the item sub-commands (items analyze).
func runItems(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, "usage: certlab items analyze --responses FILE.csv [--key KEY.csv] [--html OUT.html] [--model 2pl]")
		return flag.ErrHelp
	}
	switch args[0] {
	case "analyze", "analyse":
		return runItemsAnalyze(ctx, env, args[1:])
	}
	return fmt.Errorf("items: unknown sub-command %q (analyze)", args[0])
}

// runItemsAnalyze prints the classical item analysis with IRT fit and
// optionally writes the HTML report.
func runItemsAnalyze(ctx context.Context, env *Env, args []string) error {
	fset := flag.NewFlagSet("items analyze", flag.ContinueOnError)
	fset.SetOutput(env.Stderr)
	respPath := fset.String("responses", "", "CSV of scores (0/1, empty for missing) or, with --key, of chosen option letters")
	keyPath := fset.String("key", "", "answer key CSV (item,key); makes --responses a matrix of option letters and adds distractor analysis")
	htmlPath := fset.String("html", "", "write a self-contained HTML report with item characteristic curves and distractor plots")
	modelName := fset.String("model", "2pl", "IRT model for curves and fit: rasch, 2pl, 3pl, gpcm, or none")
	groups := fset.Int("groups", 5, "ability groups for distractor analysis")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if *respPath == "" {
		fset.Usage()
		return fmt.Errorf("items analyze: --responses is required")
	}
	var (
		resp    *irt.Responses
		choices *irt.Choices
		keys    []byte
		err     error
	)
	if *keyPath != "" {
		choices, keys, err = readChoicesAndKey(*respPath, *keyPath)
		if err != nil {
			return fmt.Errorf("items analyze: %w", err)
		}
		resp, err = choices.Score(keys)
	} else {
		resp, err = readResponsesFile(*respPath)
	}
	if err != nil {
		return fmt.Errorf("items analyze: %w", err)
	}
	var (
		items []irt.Item
		model irt.Model
	)
	if *modelName != "none" {
		model, err = irt.ParseModel(*modelName)
		if err != nil {
			return fmt.Errorf("items analyze: %w", err)
		}
		res, err := irt.Calibrate(ctx, resp, irt.Options{Model: model})
		if err != nil {
			return fmt.Errorf("items analyze: calibrate %s: %w", *respPath, err)
		}
		items = res.Items
	}
	a, err := irt.Analyze(resp, choices, keys, items, irt.AnalysisOptions{Groups: *groups})
	if err != nil {
		return fmt.Errorf("items analyze: %w", err)
	}
	if err := printAnalysis(env.Stdout, a, items); err != nil {
		return err
	}
	if *htmlPath != "" {
		f, err := os.Create(*htmlPath)
		if err != nil {
			return fmt.Errorf("items analyze: %w", err)
		}
		rep := itemreport.Report{Title: "Item analysis of " + *respPath, Model: model, Analysis: a, Items: items}
		if err := itemreport.Write(f, rep); err != nil {
			f.Close()
			return fmt.Errorf("items analyze: write %s: %w", *htmlPath, err)
		}
		if err := f.Close(); err != nil {
			return fmt.Errorf("items analyze: write %s: %w", *htmlPath, err)
		}
		fmt.Fprintf(env.Stderr, "wrote %s\n", *htmlPath)
	}
	return nil
}

// readChoicesAndKey reads option letters and the key, matching key rows to
// columns by item id when the choices have a header row, by order otherwise.
func readChoicesAndKey(choicesPath, keyPath string) (*irt.Choices, []byte, error) {
	f, err := os.Open(choicesPath)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	ch, err := irt.ReadChoicesCSV(f, choicesPath)
	if err != nil {
		return nil, nil, err
	}
	kf, err := os.Open(keyPath)
	if err != nil {
		return nil, nil, err
	}
	defer kf.Close()
	ids, keyList, err := irt.ReadKeyCSV(kf, keyPath)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[string]byte, len(ids))
	for k, id := range ids {
		byID[id] = keyList[k]
	}
	keys := make([]byte, ch.M)
	matched := 0
	for j, id := range ch.ItemIDs {
		if k, ok := byID[id]; ok {
			keys[j] = k
			matched++
		}
	}
	switch {
	case matched == ch.M:
		return ch, keys, nil
	case matched == 0 && len(keyList) == ch.M:
		// No header of ids in the choices: the key is in column order.
		for j := range keys {
			keys[j] = keyList[j]
		}
		ch.ItemIDs = ids
		return ch, keys, nil
	}
	for j, id := range ch.ItemIDs {
		if keys[j] == 0 {
			return nil, nil, fmt.Errorf("%s: no key for item %q (column %d of %s)", keyPath, id, j+1, choicesPath)
		}
	}
	return nil, nil, fmt.Errorf("%s: %d keys for %d items", keyPath, len(keyList), ch.M)
}

func printAnalysis(w io.Writer, a *irt.Analysis, items []irt.Item) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	head := "item\tN\tp\tr_pb\tD\t"
	if items != nil {
		head += "a\tb\tc\tinfit\toutfit\tS-X2\tdf\tp(S-X2)\t"
	}
	fmt.Fprintln(tw, head+"flags\t")
	f := func(v float64, prec int) string {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "-"
		}
		return fmt.Sprintf("%.*f", prec, v)
	}
	for j, st := range a.Items {
		line := fmt.Sprintf("%s\t%d\t%s\t%s\t%s\t", st.ID, st.N, f(st.PValue, 3), f(st.PointBiserial, 3), f(st.Discrimination, 3))
		if items != nil {
			it := items[j]
			line += fmt.Sprintf("%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t", f(it.A, 3), f(it.B, 3), f(it.C, 3),
				f(st.Infit, 2), f(st.Outfit, 2), f(st.SX2, 1), st.SX2DF, f(st.SX2P, 3))
		}
		flags := make([]string, len(st.Flags))
		for k, fl := range st.Flags {
			flags[k] = string(fl)
		}
		fmt.Fprintln(tw, line+strings.Join(flags, ",")+"\t")
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	t := a.Test
	_, err := fmt.Fprintf(w, "\n%d examinees, %d items: mean %.2f, SD %.2f, alpha (KR-20) %.3f, SEM %.2f\n", t.N, t.M, t.Mean, t.SD, t.Alpha, t.SEM)
	return err
}
