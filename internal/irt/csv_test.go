package irt

import (
	"bytes"
	"encoding/csv"
	"math"
	"strconv"
	"strings"
	"testing"
)

func TestReadResponsesCSV(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		ids     []string
		data    []int8
		wantErr string
	}{
		{name: "no header", in: "1,0,\n0,1,1\n", ids: []string{"item1", "item2", "item3"}, data: []int8{1, 0, -1, 0, 1, 1}},
		{name: "header", in: "q1,q2\n1,0\n,1\n", ids: []string{"q1", "q2"}, data: []int8{1, 0, -1, 1}},
		{name: "quoted header and BOM", in: "\ufeff\"a\",\"b\"\r\n1,NA\r\n0,.\r\n", ids: []string{"a", "b"}, data: []int8{1, -1, 0, -1}},
		{name: "numeric header is data", in: "1,2\n0,1\n", ids: []string{"item1", "item2"}, data: []int8{1, 2, 0, 1}},
		{name: "spaces", in: "x, y\n 1, 0\n", ids: []string{"x", "y"}, data: []int8{1, 0}},
		{name: "ragged", in: "1,0\n1\n", wantErr: "in.csv:2: 1 fields, want 2"},
		{name: "bad cell", in: "a,b\n1,yes\n", wantErr: `in.csv:2: column 2: "yes" is not a score`},
		{name: "negative", in: "1,-1\n", wantErr: "in.csv"},
		{name: "duplicate id", in: "a,a\n1,0\n", wantErr: `item id "a" appears in columns 1 and 2`},
		{name: "empty", in: "", wantErr: "no data rows"},
		{name: "header only", in: "a,b\n", wantErr: "no data rows"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ReadResponsesCSV(strings.NewReader(tc.in), "in.csv")
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(r.ItemIDs, ",") != strings.Join(tc.ids, ",") || string(int8sToBytes(r.Data)) != string(int8sToBytes(tc.data)) {
				t.Errorf("got ids %v data %v, want %v %v", r.ItemIDs, r.Data, tc.ids, tc.data)
			}
		})
	}
}

func int8sToBytes(v []int8) []byte {
	b := make([]byte, len(v))
	for k, x := range v {
		b[k] = byte(x)
	}
	return b
}

// writeResponses writes r as CSV with a header of its ids.
func writeResponses(r *Responses) []byte {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.Write(r.ItemIDs)
	rec := make([]string, r.M)
	for i := 0; i < r.N; i++ {
		for j, x := range r.Row(i) {
			rec[j] = "NA" // not "": a one-column row of "" would be a blank line
			if x >= 0 {
				rec[j] = strconv.Itoa(int(x))
			}
		}
		w.Write(rec)
	}
	w.Flush()
	return buf.Bytes()
}

func FuzzReadResponsesCSV(f *testing.F) {
	for _, s := range []string{
		"1,0,\n0,1,1\n", "q1,q2\n1,0\n,1\n", "\ufeff\"a\",\"b\"\r\n1,NA\r\n0,.\r\n",
		"1,2\n0,1\n", "a,b\n1,yes\n", "x\n\n\n1\n", "\"a\nb\",c\n1,1\n", "a,b\n100,101\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		r, err := ReadResponsesCSV(bytes.NewReader(in), "fuzz.csv")
		if err != nil {
			if !strings.Contains(err.Error(), "fuzz.csv") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if err := r.Validate(); err != nil {
			t.Fatalf("accepted an invalid matrix: %v", err)
		}
		for _, x := range r.Data {
			if x < Missing || x > MaxCSVScore {
				t.Fatalf("score %d out of range", x)
			}
		}
		// Writing the matrix back with its ids and reading it again gives
		// the same scores.
		again, err := ReadResponsesCSV(bytes.NewReader(writeResponses(r)), "again.csv")
		if err != nil {
			t.Fatalf("re-reading the written matrix: %v", err)
		}
		if again.N != r.N || again.M != r.M || !bytes.Equal(int8sToBytes(again.Data), int8sToBytes(r.Data)) {
			t.Fatalf("round trip changed the matrix: %dx%d -> %dx%d", r.N, r.M, again.N, again.M)
		}
	})
}

func FuzzReadChoicesCSV(f *testing.F) {
	for _, s := range []string{"A,B,\nc,d,NA\n", "q1,q2\nA,B\n", "A,1\n", "AB,C\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := ReadChoicesCSV(bytes.NewReader(in), "fuzz.csv")
		if err != nil {
			return
		}
		if len(c.Data) != c.N*c.M || len(c.ItemIDs) != c.M {
			t.Fatalf("shape %dx%d with %d cells and %d ids", c.N, c.M, len(c.Data), len(c.ItemIDs))
		}
		for _, v := range c.Data {
			if v != 0 && (v < 'A' || v > 'Z') {
				t.Fatalf("choice %q", v)
			}
		}
	})
}

func FuzzReadKeyCSV(f *testing.F) {
	for _, s := range []string{"item,key\nq1,A\nq2,b\n", "q1,A\n", "q1,AB\n", "q1\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		ids, keys, err := ReadKeyCSV(bytes.NewReader(in), "fuzz.csv")
		if err != nil {
			return
		}
		if len(ids) != len(keys) || len(ids) == 0 {
			t.Fatalf("%d ids and %d keys", len(ids), len(keys))
		}
		for _, k := range keys {
			if k < 'A' || k > 'Z' {
				t.Fatalf("key %q", k)
			}
		}
	})
}

func FuzzReadItemsCSV(f *testing.F) {
	var buf bytes.Buffer
	WriteItemsCSV(&buf, []Item{
		{ID: "a", A: 1.2, B: 0.3},
		{ID: "b", Model: ThreePL, A: 1, B: -1, C: 0.2},
		{ID: "c", Model: GPCM, A: 0.8, B: 0.5, Steps: []float64{0, 1}},
	})
	f.Add(buf.Bytes())
	f.Add([]byte("item,a,b,c\nx,1,0,0\n"))
	f.Add([]byte("item,a,b,c\nx,1,0,2\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		items, err := ReadItemsCSV(bytes.NewReader(in), "fuzz.csv")
		if err != nil {
			return
		}
		for _, it := range items {
			if err := it.Validate(); err != nil {
				t.Fatalf("accepted invalid item: %v", err)
			}
			p := it.P(0.3)
			if math.IsNaN(p) || p < 0 || p > 1 {
				t.Fatalf("item %+v: P(0.3) = %v", it, p)
			}
		}
		var out bytes.Buffer
		if err := WriteItemsCSV(&out, items); err != nil {
			t.Fatal(err)
		}
		again, err := ReadItemsCSV(&out, "again.csv")
		if err != nil {
			t.Fatalf("re-reading written items: %v\n%s", err, out.String())
		}
		if len(again) != len(items) {
			t.Fatalf("%d items after the round trip, want %d", len(again), len(items))
		}
	})
}

// FuzzPlainSourceMatchesCSV checks that the fast splitter used for
// quote-free input reads exactly what encoding/csv reads.
func FuzzPlainSourceMatchesCSV(f *testing.F) {
	for _, s := range []string{"1,0,\n0,1,1\n", "q1,q2\r\n1,0\r\n\r\n,1", "a\n\n1\n", " 1, 0\n", "\r", "1,\r0\n", "x,y\n1,2,3\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if bytes.IndexByte(in, '"') >= 0 {
			return
		}
		read := func(forceCSV bool) (string, error) {
			src, err := newRecordSource(bytes.NewReader(in), "x.csv", forceCSV)
			if err != nil {
				return "", err
			}
			var out strings.Builder
			ids, m, n, err := readGridFrom(src, "x.csv", isScoreCell, func(line int, fields []string) error {
				out.WriteString(strconv.Itoa(line) + ":" + strings.Join(fields, "|") + "\n")
				return nil
			})
			out.WriteString(strings.Join(ids, "|") + " " + strconv.Itoa(m) + " " + strconv.Itoa(n))
			return out.String(), err
		}
		plain, perr := read(false)
		viaCSV, cerr := read(true)
		if (perr == nil) != (cerr == nil) {
			t.Fatalf("plain error %v, csv error %v", perr, cerr)
		}
		if perr == nil && plain != viaCSV {
			t.Fatalf("plain reads\n%s\ncsv reads\n%s", plain, viaCSV)
		}
	})
}

func FuzzReadRatingsCSV(f *testing.F) {
	for _, s := range []string{"q1,q2\n0.5,0.7\n0.6,0.65\n", "0.5,0.7\n", "q1\n1.5\n", "q1,q2\n0.5\n", "a\nNaN\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		ids, ratings, err := ReadRatingsCSV(bytes.NewReader(in), "fuzz.csv")
		if err != nil {
			return
		}
		if len(ratings) == 0 || (ids != nil && len(ids) != len(ratings[0])) {
			t.Fatalf("%d ids, %d raters", len(ids), len(ratings))
		}
		for _, row := range ratings {
			if len(row) != len(ratings[0]) {
				t.Fatal("ragged ratings accepted")
			}
			for _, v := range row {
				if !(v >= 0 && v <= 1) {
					t.Fatalf("rating %v accepted", v)
				}
			}
		}
	})
}
