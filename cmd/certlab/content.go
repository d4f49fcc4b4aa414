package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/content"
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
	warnings := len(diags) - diags.Errors()
	fmt.Fprintf(env.Stderr, "%d programs, %d exams, %d items: %d errors, %d warnings\n",
		len(cat.Programs), len(cat.Exams), items, diags.Errors(), warnings)
	if diags.Errors() > 0 || (*strict && warnings > 0) {
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
		fmt.Fprintf(w, "%s / %s: %d items, %d case studies\n  by type:", es.Program, es.Exam, es.Items, es.Cases)
		for _, t := range certlab.ItemTypes {
			if n := es.ByType[t]; n > 0 {
				fmt.Fprintf(w, " %s %d", t, n)
			}
		}
		fmt.Fprintln(w)
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

func trim(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n-1] + "…"
}
