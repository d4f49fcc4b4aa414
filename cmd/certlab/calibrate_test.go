package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCalibrateAndAnalyzeCommands runs certlab calibrate --responses and
// certlab items analyze on a simulated 2PL matrix with a header row.
func TestCalibrateAndAnalyzeCommands(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(3, 5))
	const n, m = 2000, 8
	var b strings.Builder
	for j := 0; j < m; j++ {
		if j > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "item%d", j+1)
	}
	b.WriteString("\n")
	for i := 0; i < n; i++ {
		theta := rng.NormFloat64()
		for j := 0; j < m; j++ {
			if j > 0 {
				b.WriteString(",")
			}
			if i%10 == j { // some missing responses
				continue
			}
			p := 1 / (1 + math.Exp(-(theta - (-1.4 + 0.4*float64(j)))))
			if rng.Float64() < p {
				b.WriteString("1")
			} else {
				b.WriteString("0")
			}
		}
		b.WriteString("\n")
	}
	resp := filepath.Join(dir, "resp.csv")
	os.WriteFile(resp, []byte(b.String()), 0o600)
	params := filepath.Join(dir, "params.csv")
	out, err := runCmd(t, context.Background(), "", "calibrate", "--responses", resp, "--model", "2pl", "--out", params, "--quiet")
	if err != nil || !strings.Contains(out, "calibrated 8 items") {
		t.Fatalf("calibrate: %v\n%s", err, out)
	}
	f, _ := os.Open(params)
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil || len(rows) != m+1 || strings.Join(rows[0], ",") != "item,a,b,c" {
		t.Fatalf("params file: %v %v", err, rows)
	}
	// Recovery: with 2,000 examinees on a short test, b is recovered to an
	// RMSE well under 0.2 (single items can miss by 2-3 standard errors).
	var sq float64
	for j, row := range rows[1:] {
		bj, _ := strconv.ParseFloat(row[2], 64)
		if row[0] != fmt.Sprintf("item%d", j+1) {
			t.Fatalf("row %d is %v: items out of input order", j, row)
		}
		sq += (bj - (-1.4 + 0.4*float64(j))) * (bj - (-1.4 + 0.4*float64(j)))
	}
	if rmse := math.Sqrt(sq / m); rmse > 0.2 {
		t.Fatalf("RMSE(b) %.3f, want at most 0.2", rmse)
	}
	html := filepath.Join(dir, "report.html")
	out, err = runCmd(t, context.Background(), "", "items", "analyze", "--responses", resp, "--html", html)
	if err != nil {
		t.Fatalf("items analyze: %v\n%s", err, out)
	}
	page, _ := os.ReadFile(html)
	if !strings.Contains(out, "item8") || !strings.Contains(string(page), "<svg") {
		t.Fatalf("analysis output or HTML report missing:\n%s", out)
	}
}
