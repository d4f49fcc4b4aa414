package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/content"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/item"
	"github.com/certlab/certlab/internal/lab"
	"github.com/certlab/certlab/internal/pack"
)

// loadCatalog loads the packs in dir, or the built-in packs when dir is "".
func loadCatalog(dir string) (*certlab.Catalog, pack.Diagnostics) {
	if dir == "" {
		return pack.Load(content.FS, "content")
	}
	return pack.Load(os.DirFS(dir), strings.TrimSuffix(dir, "/"))
}

func runContent(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(env.Stderr, "usage: certlab content lint [DIR] | certlab content stats [--json] [DIR]")
		return flag.ErrHelp
	}
	switch args[0] {
	case "lint":
		return runContentLint(env, args[1:])
	case "stats":
		return runContentStats(env, args[1:])
	}
	return fmt.Errorf("content: unknown sub-command %q (lint or stats)", args[0])
}

func runContentLint(env *Env, args []string) error {
	fset := flag.NewFlagSet("content lint", flag.ContinueOnError)
	fset.SetOutput(env.Stderr)
	strict := fset.Bool("strict", false, "treat warnings as errors")
	if err := fset.Parse(args); err != nil {
		return err
	}
	cat, diags := loadCatalog(fset.Arg(0))
	for _, d := range diags {
		fmt.Fprintln(env.Stdout, d)
	}
	items := 0
	for _, ex := range cat.Exams {
		items += len(ex.Items)
	}
	exposureErrors := 0
	for _, x := range examExposures(cat) {
		if msg := x.problem(); msg != "" {
			fmt.Fprintf(env.Stdout, "%s: %s\n", x.file, msg)
			exposureErrors++
		}
	}
	// The labs: each lab's own problems, and labs against the items
	// (objectives in the outlines, lab items naming labs of their pool).
	var labs *lab.Catalog
	var labDiags []lab.Diagnostic
	if fset.Arg(0) == "" {
		labs, labDiags = lab.LoadPacks(content.FS, "content")
	} else {
		labs, labDiags = lab.LoadPacks(os.DirFS(fset.Arg(0)), strings.TrimSuffix(fset.Arg(0), "/"))
	}
	labDiags = append(labDiags, labs.CheckAgainst(cat)...)
	for _, d := range labDiags {
		fmt.Fprintln(env.Stdout, d)
	}
	exposureErrors += len(labDiags)
	warnings := len(diags) - diags.Errors()
	fmt.Fprintf(env.Stderr, "%d programs, %d exams, %d items, %d labs: %d errors, %d warnings\n",
		len(cat.Programs), len(cat.Exams), items, len(labs.List()), diags.Errors()+exposureErrors, warnings)
	if diags.Errors()+exposureErrors > 0 || (*strict && warnings > 0) {
		return errSilentFailure
	}
	return nil
}

func runContentStats(env *Env, args []string) error {
	fset := flag.NewFlagSet("content stats", flag.ContinueOnError)
	fset.SetOutput(env.Stderr)
	asJSON := fset.Bool("json", false, "print JSON")
	if err := fset.Parse(args); err != nil {
		return err
	}
	cat, diags := loadCatalog(fset.Arg(0))
	if n := diags.Errors(); n > 0 {
		fmt.Fprintf(env.Stderr, "warning: %d content errors; erroneous files are not counted (run certlab content lint)\n", n)
	}
	stats := pack.Stats(cat)
	exposures := examExposures(cat)
	for i := range stats {
		for _, x := range exposures {
			if x.exam == stats[i].Exam {
				stats[i].Exposure = append(stats[i].Exposure, x.ExposureStats)
			}
		}
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(stats)
	}
	printStats(env.Stdout, stats)
	return nil
}

func printStats(w io.Writer, stats []pack.ExamStats) {
	for _, es := range stats {
		if es.Bank != "" {
			fmt.Fprintf(w, "%s / %s: practice exam on the bank of %s\n", es.Program, es.Exam, es.Bank)
			printExposure(w, es.Exposure)
			continue
		}
		fmt.Fprintf(w, "%s / %s: %d items, %d case studies\n  by type:", es.Program, es.Exam, es.Items, es.Cases)
		for _, t := range item.Names() {
			if n := es.ByType[t]; n > 0 {
				fmt.Fprintf(w, " %s %d", t, n)
			}
		}
		fmt.Fprintln(w)
		printBias(w, "all items", es.Bias)
		for _, ps := range es.Pools {
			fmt.Fprintf(w, "  %s pool: %d items, %d case studies; by domain:", ps.Pool, ps.Items, ps.Cases)
			for _, d := range ps.Domains {
				fmt.Fprintf(w, " %s %d (%.0f%%, weight %d-%d%%)", d.ID, d.Items, d.Share, d.WeightMin, d.WeightMax)
			}
			fmt.Fprintln(w)
			printBias(w, ps.Pool+" pool", ps.Bias)
		}
		printExposure(w, es.Exposure)
		for _, os := range es.Outlines {
			if os.Current {
				fmt.Fprintf(w, "  outline %s (current: forms are built from it)\n", os.Version)
			} else {
				fmt.Fprintf(w, "  outline %s (earlier: items are tagged to it, its weights do not shape forms)\n", os.Version)
			}
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "    domain/objective\titems\tshare\tweight\t")
			for _, d := range os.Domains {
				flag := ""
				if os.Current && (d.Share < float64(d.WeightMin) || d.Share > float64(d.WeightMax)) {
					flag = "outside weight"
				}
				fmt.Fprintf(tw, "    %s %s\t%d\t%.1f%%\t%d-%d%%\t%s\n", d.ID, trim(d.Name, 40), d.Items, d.Share, d.WeightMin, d.WeightMax, flag)
				for _, ob := range d.Objectives {
					thin := ""
					if ob.Items < 3 {
						thin = "THIN"
					}
					fmt.Fprintf(tw, "      %s\t%d\t\t\t%s\n", ob.ID, ob.Items, thin)
				}
			}
			tw.Flush()
		}
	}
}

// Exposure limits of a secure (exam) pool over 1,000 assembled forms.
const (
	exposureForms      = 1000
	maxItemExposure    = 25.0 // percent of forms an exam-pool item may be in
	maxMeanFormOverlap = 20.0 // percent of items two forms may share on average
)

type examExposure struct {
	pack.ExposureStats
	exam, file string
	secure     bool
}

// problem says why a secure pool fails its exposure limits, or "".
func (x examExposure) problem() string {
	switch {
	case !x.secure:
		return ""
	case x.Error != "":
		return fmt.Sprintf("exam %s: the exam pool cannot fill a form: %s", x.exam, x.Error)
	case x.MaxItemPercent > maxItemExposure:
		return fmt.Sprintf("exam %s: the exam pool is too small for secure forms: item %s is in %.1f%% of %d forms (limit %.0f%%)",
			x.exam, x.MaxItem, x.MaxItemPercent, x.Forms, maxItemExposure)
	case x.MeanOverlap > maxMeanFormOverlap:
		return fmt.Sprintf("exam %s: the exam pool is too small for secure forms: two forms share %.1f%% of their items on average (limit %.0f%%)",
			x.exam, x.MeanOverlap, maxMeanFormOverlap)
	}
	return ""
}

// examExposures assembles 1,000 forms of every exam from the pool it
// draws from and measures how often items recur.
func examExposures(cat *certlab.Catalog) []examExposure {
	var out []examExposure
	for _, p := range cat.Programs {
		for _, ex := range p.Exams {
			x := examExposure{exam: ex.ID, file: ex.File, secure: ex.Proctored()}
			x.Pool = ex.FormPool()
			m, err := exam.MeasureExposure(ex, x.Pool, exposureForms)
			if err != nil {
				x.Error = certlab.ErrorMessage(err)
			} else {
				x.Forms, x.MaxItem = m.Forms, m.MaxItem
				x.MaxItemPercent = math.Round(1000*m.MaxItemShare) / 10
				x.MeanOverlap = math.Round(1000*m.MeanOverlap) / 10
			}
			out = append(out, x)
		}
	}
	return out
}

// printExposure prints how often items recur over assembled forms.
func printExposure(w io.Writer, xs []pack.ExposureStats) {
	for _, x := range xs {
		if x.Error != "" {
			fmt.Fprintf(w, "  %s-pool forms: %s\n", x.Pool, x.Error)
			continue
		}
		fmt.Fprintf(w, "  %s-pool forms (%d assembled): most-used item in %.1f%% of forms (%s); two forms share %.1f%% of their items on average\n",
			x.Pool, x.Forms, x.MaxItemPercent, x.MaxItem, x.MeanOverlap)
	}
}

// printBias prints how much the options give away without reading stems.
func printBias(w io.Writer, what string, b pack.BiasStats) {
	fmt.Fprintf(w, "  cues (%s): single key longest %.1f%% (≥1.5× %.1f%%) of %d; multiple keys among longest %.1f%% (chance %.1f%%) of %d; drop-down key first %.1f%% of %d; series first Yes %.1f%% of %d, Yes %.1f%% of %d statements; test-wise score %.1f%%\n",
		what, b.KeyLongest, b.KeyRatio15, b.Single, b.KeysAmongLongest, b.KeysByChance, b.MultipleKeys, b.DropdownFirstKey, b.Dropdowns,
		b.SeriesFirstYes, b.Series, b.StatementsYes, b.Statements, b.TestWise)
}

func trim(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}
