package irt

import (
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/certlab/certlab/internal/fixture"
)

// sharedFixtures returns shared/fixtures/irt.
func sharedFixtures(t testing.TB) string { return fixture.Path(t, "irt") }

// loadSim10k decompresses and parses sim10k_resp.csv.xz with the xz binary.
func loadSim10k(t testing.TB) *Responses {
	t.Helper()
	path := filepath.Join(sharedFixtures(t), "sim10k_resp.csv.xz")
	xz, err := exec.LookPath("xz")
	fixture.NeedTool(t, "xz", err, "apt-get install -y xz-utils (it decompresses "+path+")")
	out, err := exec.Command(xz, "-dc", path).Output()
	if err != nil {
		t.Fatalf("xz -dc %s: %v", path, err)
	}
	r, err := ReadResponsesCSV(bytes.NewReader(out), path)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// mirtPars is one row of sim10k_pars.csv.
type mirtPars struct{ A, B, AMirt, BMirt float64 }

func loadSim10kPars(t testing.TB) []mirtPars {
	t.Helper()
	path := filepath.Join(sharedFixtures(t), "sim10k_pars.csv")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	var out []mirtPars
	for n, rec := range recs[1:] {
		var v [4]float64
		for k := range v {
			v[k], err = strconv.ParseFloat(rec[k], 64)
			if err != nil {
				t.Fatalf("%s:%d: %v", path, n+2, err)
			}
		}
		out = append(out, mirtPars{v[0], v[1], v[2], v[3]})
	}
	return out
}
