package irt

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
)

// MaxCSVScore is the highest item score ReadResponsesCSV accepts.
const MaxCSVScore = 100

// ReadResponsesCSV reads a comma-separated response matrix, one examinee a
// row, one item a column. Cells hold integer scores 0..MaxCSVScore; an empty
// cell, "NA" or "." is a missing response. The first row is taken as a
// header of item ids when any of its cells is not a valid cell value;
// without a header the items are named item1..itemM. name labels errors.
func ReadResponsesCSV(rd io.Reader, name string) (*Responses, error) {
	var data []int8
	header, m, n, err := readGrid(rd, name, isScoreCell, func(line int, fields []string) error {
		for j, f := range fields {
			v, ok := parseScore(f)
			if !ok {
				return fmt.Errorf("%s:%d: column %d: %q is not a score (want an integer 0..%d or empty)", name, line, j+1, f, MaxCSVScore)
			}
			data = append(data, v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if header == nil {
		header = defaultIDs(m)
	}
	return &Responses{N: n, M: m, Data: data, ItemIDs: header}, nil
}

// Choices is a matrix of chosen options: one examinee a row, one item a
// column, option letters 'A'..'Z' with 0 for no answer.
type Choices struct {
	N, M    int
	ItemIDs []string
	Data    []byte
}

// At returns the option examinee i chose on item j (0 if none).
func (c *Choices) At(i, j int) byte { return c.Data[i*c.M+j] }

// ReadChoicesCSV reads a comma-separated matrix of chosen option letters
// (A–Z, case-insensitive; empty, "NA" or "." for no answer), with the same
// header detection as ReadResponsesCSV.
func ReadChoicesCSV(rd io.Reader, name string) (*Choices, error) {
	var data []byte
	header, m, n, err := readGrid(rd, name, isChoiceCell, func(line int, fields []string) error {
		for j, f := range fields {
			v, ok := parseChoice(f)
			if !ok {
				return fmt.Errorf("%s:%d: column %d: %q is not an option letter A-Z", name, line, j+1, f)
			}
			data = append(data, v)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if header == nil {
		header = defaultIDs(m)
	}
	return &Choices{N: n, M: m, ItemIDs: header, Data: data}, nil
}

// ReadKeyCSV reads an answer key: one row per item, "item,key" (a header
// row "item,key" is optional). It returns the item ids and key letters in
// file order.
func ReadKeyCSV(rd io.Reader, name string) (ids []string, keys []byte, err error) {
	cr := csv.NewReader(skipBOM(rd))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.Comment = '#'
	first := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != 2 {
			return nil, nil, fmt.Errorf("%s:%d: want 2 fields (item,key), got %d", name, line, len(rec))
		}
		id, k := strings.TrimSpace(stripBOM(rec[0])), strings.TrimSpace(rec[1])
		v, ok := parseChoice(k)
		if first && (!ok || v == 0) && strings.EqualFold(k, "key") {
			first = false
			continue
		}
		first = false
		if !ok || v == 0 {
			return nil, nil, fmt.Errorf("%s:%d: key %q of item %q is not an option letter A-Z", name, line, k, id)
		}
		if id == "" {
			return nil, nil, fmt.Errorf("%s:%d: empty item id", name, line)
		}
		ids = append(ids, id)
		keys = append(keys, v)
	}
	if len(ids) == 0 {
		return nil, nil, fmt.Errorf("%s: the key is empty", name)
	}
	return ids, keys, nil
}

// Score turns choices into 0/1 responses with the key (keys[j] for column
// j); a missing choice stays missing.
func (c *Choices) Score(keys []byte) (*Responses, error) {
	if len(keys) != c.M {
		return nil, fmt.Errorf("the key has %d items, the choices %d", len(keys), c.M)
	}
	r := &Responses{N: c.N, M: c.M, ItemIDs: c.ItemIDs, Data: make([]int8, len(c.Data))}
	for k, v := range c.Data {
		switch {
		case v == 0:
			r.Data[k] = Missing
		case v == keys[k%c.M]:
			r.Data[k] = 1
		default:
			r.Data[k] = 0
		}
	}
	return r, nil
}

// recordSource yields CSV records with their line numbers; io.EOF ends it.
type recordSource interface {
	next() ([]string, int, error)
}

// csvSource reads records with encoding/csv (quoted fields and all).
type csvSource struct{ r *csv.Reader }

func (c csvSource) next() ([]string, int, error) {
	rec, err := c.r.Read()
	if err != nil {
		return nil, 0, err
	}
	line, _ := c.r.FieldPos(0)
	return rec, line, nil
}

// plainSource splits input that holds no quote character: lines on '\n'
// (dropping a '\r' before it, skipping empty lines) and fields on ',',
// trimming leading white space like csv.Reader.TrimLeadingSpace. It
// yields the same records as encoding/csv for such input, several times
// faster (single-byte fields need no allocation).
type plainSource struct {
	data []byte
	line int
	rec  []string
}

func (p *plainSource) next() ([]string, int, error) {
	for len(p.data) > 0 {
		p.line++
		var ln []byte
		if i := bytes.IndexByte(p.data, '\n'); i >= 0 {
			ln, p.data = p.data[:i], p.data[i+1:]
		} else {
			ln, p.data = p.data, nil
		}
		ln = bytes.TrimSuffix(ln, []byte{'\r'})
		if len(ln) == 0 {
			continue
		}
		p.rec = p.rec[:0]
		for {
			j := bytes.IndexByte(ln, ',')
			if j < 0 {
				p.rec = append(p.rec, strings.TrimLeftFunc(string(ln), unicode.IsSpace))
				break
			}
			p.rec = append(p.rec, strings.TrimLeftFunc(string(ln[:j]), unicode.IsSpace))
			ln = ln[j+1:]
		}
		return p.rec, p.line, nil
	}
	return nil, p.line, io.EOF
}

// newRecordSource reads rd whole and picks the plain splitter when the
// input has no quotes, encoding/csv otherwise.
func newRecordSource(rd io.Reader, name string, forceCSV bool) (recordSource, error) {
	data, err := io.ReadAll(rd)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !forceCSV && bytes.IndexByte(data, '"') < 0 {
		return &plainSource{data: data}, nil
	}
	cr := csv.NewReader(bytes.NewReader(data))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	cr.TrimLeadingSpace = true
	return csvSource{cr}, nil
}

// readGrid reads a rectangular CSV grid, detecting a header row, and hands
// each data row to store. It returns the header (nil without one), the
// number of columns and the number of data rows.
func readGrid(rd io.Reader, name string, valid func(string) bool, store func(line int, fields []string) error) ([]string, int, int, error) {
	src, err := newRecordSource(rd, name, false)
	if err != nil {
		return nil, 0, 0, err
	}
	return readGridFrom(src, name, valid, store)
}

func readGridFrom(src recordSource, name string, valid func(string) bool, store func(line int, fields []string) error) ([]string, int, int, error) {
	var header []string
	m, n := -1, 0
	for {
		rec, line, err := src.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, 0, 0, fmt.Errorf("%s: %w", name, err)
		}
		if m < 0 {
			m = len(rec)
			isHeader := false
			for _, f := range rec {
				if !valid(f) {
					isHeader = true
					break
				}
			}
			if isHeader {
				header = make([]string, m)
				seen := make(map[string]int, m)
				for j, f := range rec {
					id := strings.TrimSpace(f)
					if id == "" {
						return nil, 0, 0, fmt.Errorf("%s:%d: column %d has an empty item id in the header", name, line, j+1)
					}
					if k, dup := seen[id]; dup {
						return nil, 0, 0, fmt.Errorf("%s:%d: item id %q appears in columns %d and %d", name, line, id, k+1, j+1)
					}
					seen[id] = j
					header[j] = id
				}
				continue
			}
		}
		if len(rec) != m {
			return nil, 0, 0, fmt.Errorf("%s:%d: %d fields, want %d like the first row", name, line, len(rec), m)
		}
		if err := store(line, rec); err != nil {
			return nil, 0, 0, err
		}
		n++
	}
	if n == 0 {
		return nil, 0, 0, fmt.Errorf("%s: no data rows", name)
	}
	return header, m, n, nil
}

// defaultIDs names m items item1..itemM.
func defaultIDs(m int) []string {
	ids := make([]string, m)
	for j := range ids {
		ids[j] = fmt.Sprintf("item%d", j+1)
	}
	return ids
}

func stripBOM(s string) string { return strings.TrimPrefix(s, "\ufeff") }

// skipBOM drops a UTF-8 byte order mark at the start of rd.
func skipBOM(rd io.Reader) io.Reader {
	br := bufio.NewReader(rd)
	if b, err := br.Peek(3); err == nil && string(b) == "\ufeff" {
		br.Discard(3)
	}
	return br
}

func isMissingCell(f string) bool {
	f = strings.TrimSpace(f)
	return f == "" || f == "." || strings.EqualFold(f, "NA")
}

func parseScore(f string) (int8, bool) {
	if len(f) == 1 && f[0] >= '0' && f[0] <= '9' {
		return int8(f[0] - '0'), true
	}
	if isMissingCell(f) {
		return Missing, true
	}
	v, err := strconv.Atoi(strings.TrimSpace(f))
	if err != nil || v < 0 || v > MaxCSVScore {
		return 0, false
	}
	return int8(v), true
}

func isScoreCell(f string) bool { _, ok := parseScore(f); return ok }

func parseChoice(f string) (byte, bool) {
	if isMissingCell(f) {
		return 0, true
	}
	f = strings.TrimSpace(f)
	if len(f) != 1 {
		return 0, false
	}
	c := f[0]
	if c >= 'a' && c <= 'z' {
		c -= 'a' - 'A'
	}
	if c < 'A' || c > 'Z' {
		return 0, false
	}
	return c, true
}

func isChoiceCell(f string) bool { _, ok := parseChoice(f); return ok }

// WriteItemsCSV writes item parameters as CSV with the header
// item,a,b,c — plus a steps column (step difficulties joined by ';') when
// any item is a GPCM item — one row per item in the given order.
func WriteItemsCSV(w io.Writer, items []Item) error {
	cw := csv.NewWriter(w)
	steps := false
	for _, it := range items {
		steps = steps || it.Model == GPCM
	}
	head := []string{"item", "a", "b", "c"}
	if steps {
		head = append(head, "steps")
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', 6, 64) }
	for _, it := range items {
		rec := []string{it.ID, f(it.A), f(it.B), f(it.C)}
		if steps {
			s := make([]string, len(it.Steps))
			for k, v := range it.Steps {
				s[k] = f(v)
			}
			rec = append(rec, strings.Join(s, ";"))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ReadItemsCSV reads parameters written by WriteItemsCSV. An item with steps
// is a GPCM item, one with c > 0 a 3PL item, any other a 2PL item.
func ReadItemsCSV(rd io.Reader, name string) ([]Item, error) {
	cr := csv.NewReader(skipBOM(rd))
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: reading the header: %w", name, err)
	}
	if len(head) < 4 || strings.ToLower(strings.TrimSpace(stripBOM(head[0]))) != "item" ||
		strings.ToLower(strings.TrimSpace(head[1])) != "a" || strings.ToLower(strings.TrimSpace(head[2])) != "b" ||
		strings.ToLower(strings.TrimSpace(head[3])) != "c" {
		return nil, fmt.Errorf("%s:1: the header must start with item,a,b,c", name)
	}
	var items []Item
	seen := map[string]bool{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(head) {
			return nil, fmt.Errorf("%s:%d: %d fields, want %d", name, line, len(rec), len(head))
		}
		it := Item{ID: strings.TrimSpace(rec[0]), Model: TwoPL}
		if it.ID == "" {
			return nil, fmt.Errorf("%s:%d: empty item id", name, line)
		}
		if seen[it.ID] {
			return nil, fmt.Errorf("%s:%d: item %q appears twice", name, line, it.ID)
		}
		seen[it.ID] = true
		for k, dst := range []*float64{&it.A, &it.B, &it.C} {
			v, err := strconv.ParseFloat(strings.TrimSpace(rec[k+1]), 64)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %s of item %q: %q is not a number", name, line, head[k+1], it.ID, rec[k+1])
			}
			*dst = v
		}
		if len(rec) > 4 && strings.TrimSpace(rec[4]) != "" {
			it.Model = GPCM
			for _, s := range strings.Split(rec[4], ";") {
				v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
				if err != nil {
					return nil, fmt.Errorf("%s:%d: step of item %q: %q is not a number", name, line, it.ID, s)
				}
				it.Steps = append(it.Steps, v)
			}
			if it.C != 0 {
				return nil, fmt.Errorf("%s:%d: item %q: a GPCM item has no c", name, line, it.ID)
			}
		} else if it.C != 0 {
			it.Model = ThreePL
		}
		if err := it.Validate(); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", name, line, err)
		}
		items = append(items, it)
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("%s: no items", name)
	}
	return items, nil
}

// ReadRatingsCSV reads modified-Angoff ratings: one rater a row, one item a
// column, each cell the probability (0..1) that a minimally competent
// candidate answers the item correctly. A first row with any cell that is
// not a number is a header of item ids (ids is nil without one).
func ReadRatingsCSV(rd io.Reader, name string) (ids []string, ratings [][]float64, err error) {
	isNum := func(f string) bool {
		_, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		return err == nil
	}
	ids, _, _, err = readGrid(rd, name, isNum, func(line int, fields []string) error {
		row := make([]float64, len(fields))
		for j, f := range fields {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil || !(v >= 0 && v <= 1) {
				return fmt.Errorf("%s:%d: column %d: %q is not a probability between 0 and 1", name, line, j+1, f)
			}
			row[j] = v
		}
		ratings = append(ratings, row)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return ids, ratings, nil
}
