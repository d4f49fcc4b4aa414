package irt

import (
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// sharedFixtures returns the shared/fixtures/irt directory next to the
// repository, walking up from the working directory.
func sharedFixtures(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatalf("working directory: %v", err)
	}
	for {
		p := filepath.Join(dir, "shared", "fixtures")
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			return filepath.Join(p, "irt")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("cannot find shared/fixtures in any parent directory of the test; the repository and shared/ must be siblings")
		}
		dir = parent
	}
}

// loadSim10k decompresses and parses sim10k_resp.csv.xz with the xz binary.
func loadSim10k(t testing.TB) *Responses {
	t.Helper()
	path := filepath.Join(sharedFixtures(t), "sim10k_resp.csv.xz")
	xz, err := exec.LookPath("xz")
	if err != nil {
		t.Fatalf("the xz binary is needed to decompress %s: %v", path, err)
	}
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
