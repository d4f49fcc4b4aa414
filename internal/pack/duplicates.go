package pack

import (
	"fmt"
	"hash/fnv"
	"sort"
	"strings"
	"unicode"

	"github.com/certlab/certlab"
)

// NearDuplicateThreshold is the Jaccard similarity of word 3-shingles of
// stem and options above which two items are reported as near-duplicates.
const NearDuplicateThreshold = 0.8

// Similarity returns the Jaccard similarity of the word 3-shingles of two
// items' stems, exhibits and options (1 means the same words in the same order).
func Similarity(a, b *certlab.Item) float64 {
	return jaccard(shingles(itemText(a)), shingles(itemText(b)))
}

func itemText(it *certlab.Item) string {
	var sb strings.Builder
	sb.WriteString(it.Stem)
	sb.WriteString(" ")
	sb.WriteString(it.Exhibit)
	for _, o := range it.Options {
		sb.WriteString(" ")
		sb.WriteString(o.Text)
	}
	for _, s := range it.Statements {
		sb.WriteString(" ")
		sb.WriteString(s.Text)
	}
	return sb.String()
}

// shingles returns the sorted, de-duplicated hashes of word 3-grams.
func shingles(text string) []uint64 {
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
	var out []uint64
	for i := 0; i+3 <= len(words); i++ {
		h := fnv.New64a()
		h.Write([]byte(words[i] + " " + words[i+1] + " " + words[i+2]))
		out = append(out, h.Sum64())
	}
	if len(out) == 0 && len(words) > 0 {
		h := fnv.New64a()
		h.Write([]byte(strings.Join(words, " ")))
		out = append(out, h.Sum64())
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	uniq := out[:0]
	for i, v := range out {
		if i == 0 || v != out[i-1] {
			uniq = append(uniq, v)
		}
	}
	return uniq
}

func jaccard(a, b []uint64) float64 {
	if len(a) == 0 && len(b) == 0 {
		return 0
	}
	inter, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// checkDuplicates reports pairs of items of one exam whose text is nearly
// the same. Items that share a case study share its scenario, but not their
// stems, so they are compared like any others.
func (l *loader) checkDuplicates(ex *certlab.Exam) {
	sh := make([][]uint64, len(ex.Items))
	for i, it := range ex.Items {
		sh[i] = shingles(itemText(it))
	}
	for i := range ex.Items {
		for j := i + 1; j < len(ex.Items); j++ {
			// Jaccard can only reach the threshold when the sizes are close.
			small, big := len(sh[i]), len(sh[j])
			if small > big {
				small, big = big, small
			}
			if big == 0 || float64(small)/float64(big) < NearDuplicateThreshold {
				continue
			}
			if s := jaccard(sh[i], sh[j]); s >= NearDuplicateThreshold {
				l.diags = append(l.diags, Diagnostic{File: ex.Items[j].File, Line: 2,
					Message: fmt.Sprintf("item %s is a near-duplicate of %s (%s), similarity %.2f", ex.Items[j].ID, ex.Items[i].ID, ex.Items[i].File, s)})
			}
		}
	}
}
