package item

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/certlab/certlab"
)

// Cues are what a test-wise candidate who does not read the stem could
// exploit in an item's authored choices. Kinds with such choices implement
// Cued; content stats sum the cues over a bank.
type Cues struct {
	// Single choice.
	Single     bool
	KeyLongest bool    // the key is strictly the longest option
	KeyRatio   float64 // key length over the longest distractor's
	// Multiple choice: keys among the k longest options (k = number of
	// keys), and what chance would give.
	Multiple         bool
	Keys             int
	KeysAmongLongest int
	KeysByChance     float64
	// Active screen: drop-downs whose key is the first authored choice.
	Blanks          int
	BlanksFirstKeys int
	// Yes/no series.
	Series     bool
	FirstYes   bool
	Statements int
	Yes        int
	// The test-wise strategy: the longest option, the k longest options,
	// the first drop-down choice, "Yes then No" in a series; the points it
	// earns of the points at stake.
	TestWisePoints float64
	TestWiseMax    float64
}

// Cued is a kind whose authored choices can give the answer away.
type Cued interface {
	Cues(it *certlab.Item) Cues
}

// CuesOf returns the item's cues, and false for kinds without any.
func CuesOf(it *certlab.Item) (Cues, bool) {
	c, ok := Of(it).(Cued)
	if !ok {
		return Cues{}, false
	}
	return c.Cues(it), true
}

// textLen is the length of an option as a reader sees it: runes, without
// Markdown code marks and surrounding space.
func textLen(s string) int {
	s = strings.TrimSpace(strings.ReplaceAll(s, "`", ""))
	return utf8.RuneCountInString(s)
}

// longestFirst returns option indexes sorted by length, longest first
// (stable: authored order breaks ties).
func longestFirst(cs []certlab.Choice) []int {
	idx := make([]int, len(cs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return textLen(cs[idx[a]].Text) > textLen(cs[idx[b]].Text) })
	return idx
}

// stopWords are left out when comparing a stem's words with an option's.
var stopWords = map[string]bool{
	"about": true, "after": true, "again": true, "against": true, "because": true, "before": true, "being": true,
	"between": true, "both": true, "could": true, "during": true, "each": true, "every": true, "from": true,
	"have": true, "into": true, "more": true, "most": true, "must": true, "only": true, "other": true,
	"should": true, "some": true, "such": true, "than": true, "that": true, "their": true, "them": true,
	"then": true, "there": true, "these": true, "they": true, "this": true, "those": true, "through": true,
	"under": true, "until": true, "what": true, "when": true, "where": true, "which": true, "while": true,
	"will": true, "with": true, "without": true, "would": true, "your": true, "need": true, "needs": true,
	"uses": true, "using": true, "want": true, "wants": true, "does": true, "make": true, "makes": true,
}

// words returns the distinctive words of a text: lower case, five letters
// or more, not a stop word.
func words(s string) map[string]bool {
	out := map[string]bool{}
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_'
	}) {
		w = strings.Trim(w, "-_")
		if utf8.RuneCountInString(w) >= 5 && !stopWords[w] {
			out[w] = true
		}
	}
	return out
}

// stemEcho returns the stem's words that the keyed options repeat and no
// distractor does.
func stemEcho(stem string, keys, distractors []string) []string {
	sw := words(stem)
	other := map[string]bool{}
	for _, d := range distractors {
		for w := range words(d) {
			other[w] = true
		}
	}
	seen := map[string]bool{}
	var echo []string
	for _, k := range keys {
		for w := range words(k) {
			if sw[w] && !other[w] && !seen[w] {
				seen[w] = true
				echo = append(echo, w)
			}
		}
	}
	sort.Strings(echo)
	return echo
}

// lintOptionCues warns when the keyed options stand out without reading
// the stem: longer than every distractor by more than 20%, or repeating
// the stem's words when no distractor does.
func lintOptionCues(src *Source, it *certlab.Item, keys map[string]bool) {
	longestDistractor := 0
	var keyTexts, distractors []string
	for _, o := range it.Options {
		if keys[o.ID] {
			keyTexts = append(keyTexts, o.Text)
		} else {
			distractors = append(distractors, o.Text)
			longestDistractor = max(longestDistractor, textLen(o.Text))
		}
	}
	for _, o := range it.Options {
		if keys[o.ID] && longestDistractor > 0 && float64(textLen(o.Text)) > 1.2*float64(longestDistractor) {
			src.Warnf("key-length", src.Line("options"), "keyed option %s is %d characters, more than 20%% longer than every distractor (longest %d): make the distractors as long and specific as the key",
				o.ID, textLen(o.Text), longestDistractor)
			break
		}
	}
	if echo := stemEcho(it.Stem, keyTexts, distractors); len(echo) > 0 {
		src.Warnf("stem-echo", src.Line("options"), "the key repeats the stem's words %s and no distractor does",
			strings.Join(quoteAll(echo), ", "))
	}
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "\"" + s + "\""
	}
	return out
}
