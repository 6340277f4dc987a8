package analysis

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/snowballstem"
	"github.com/blevesearch/snowballstem/english"
	"github.com/blevesearch/snowballstem/german"
)

// WordCount is a word and how many contributions use it.
type WordCount struct {
	Word  string // the form residents wrote most often, as they wrote it ("Grünzug")
	Count int    // contributions that use the word (any inflected form)
	// Related is how many further contributions use the word only as a
	// part of a compound ("Radweg" for "Weg" and "Rad"); they are not in Count.
	Related int
}

// Words counts in how many texts each word occurs. Feed it one text at a time.
//
// The rules, in order:
//   - A word is a run of Unicode letters (umlauts and ß included); a hyphen
//     between letters keeps a compound together ("Park-Bänke"), a hyphen at
//     an end is dropped ("Rad- und Fußwege" gives "Rad").
//   - Words shorter than three letters and the stop words (stopwords.go) are
//     left out.
//   - Each text is taken as English when it uses more English-only than
//     German-only stop words, else as German; its words are stemmed with the
//     Snowball stemmer of that language, so inflected forms count as one
//     ("Grünzug", "Grünzugs", "Grünzüge"; "bike", "bikes"). The German
//     stemmer folds ä ö ü to a o u and ß to ss, so "Straße" and "Strasse" are
//     one word too: residents typing without ß mean the same street.
//     A hyphenated compound is stemmed on its last part.
//   - A stem is shown in the form written most often, in its original case,
//     so nouns keep their capital. A form that opens a sentence counts half
//     (its capital may be the sentence's), one in capitals only counts
//     nothing (shouting); on a tie the shorter form wins, the base form.
//   - Compounds are split against the vocabulary of the same texts (see
//     Top): a part counts as a related entry of its own word, never as a
//     second count of the whole.
type Words struct {
	env     *snowballstem.Env
	ids     map[string]int32 // stem → index into stems
	stems   []*stem
	folded  map[string]int32 // a written form, lower-cased and folded like the stems, → its stem
	texts   [][]int32        // the distinct stems of each text
	current map[int32]bool
	memo    [2]map[string]written // German, English: written form → its stem
	class   map[string]int8       // written form → 1 English-only, 2 German-only stop word
}

type stem struct {
	key   string
	count int
	forms map[string]int // written form → weight
	parts []string       // the stems of a hyphenated compound's parts
}

// NewWords returns an empty counter.
func NewWords() *Words {
	return &Words{env: snowballstem.NewEnv(""), ids: map[string]int32{}, folded: map[string]int32{}, current: map[int32]bool{}}
}

// token is a word as written and whether it opens a sentence.
type token struct {
	text    string
	initial bool
}

// tokens splits a text into words: runs of letters, hyphens between letters
// kept. The words are slices of the text (no copies), except where a
// typographic hyphen (‐) is written as '-'.
func tokens(text string) []token {
	out := make([]token, 0, len(text)/6)
	start := -1 // byte offset of the current word, -1 outside one
	initial := true
	flush := func(end int) {
		if start >= 0 {
			w := strings.TrimRight(text[start:end], "-‐")
			if strings.ContainsRune(w, '‐') {
				w = strings.ReplaceAll(w, "‐", "-")
			}
			out = append(out, token{w, initial})
			start = -1
			initial = false
		}
	}
	for i, r := range text {
		switch {
		case unicode.IsLetter(r):
			if start < 0 {
				start = i
			}
		case (r == '-' || r == '‐') && start >= 0:
		default:
			flush(i)
			if strings.ContainsRune(".!?:;\n", r) {
				initial = true
			}
		}
	}
	flush(len(text))
	return out
}

func (w *Words) stem(word string, en bool) string {
	w.env.SetCurrent(word)
	if en {
		english.Stem(w.env)
	} else {
		german.Stem(w.env)
	}
	return w.env.Current()
}

// fold lower-cases a word and folds umlauts and ß the way the German stemmer
// does, so written forms can be matched against stems.
func fold(s string) string { return folder.Replace(strings.ToLower(s)) }

var folder = strings.NewReplacer("ä", "a", "ö", "o", "ü", "u", "ß", "ss")

// Add counts the words of one contribution once each.
func (w *Words) Add(text string) {
	clear(w.current)
	toks := tokens(text)
	en := w.isEnglish(toks)
	lang := 0
	if en {
		lang = 1
	}
	if w.memo[lang] == nil {
		w.memo[lang] = map[string]written{}
	}
	var ids []int32
	for _, t := range toks {
		m, ok := w.memo[lang][t.text]
		if !ok {
			m = w.learn(t.text, en)
			w.memo[lang][m.form] = m
		}
		if m.id < 0 {
			continue
		}
		s := w.stems[m.id]
		s.forms[m.form] += formWeight(t.initial, m.shouted)
		if !w.current[m.id] {
			w.current[m.id] = true
			s.count++
			ids = append(ids, m.id)
		}
	}
	w.texts = append(w.texts, ids)
}

// written is what one written form of a word stands for in one language:
// its stem (-1 for a stop word or one too short), so each form is stemmed
// once however often it is written.
type written struct {
	form    string // the form as written, a copy (not a slice of a text)
	id      int32
	shouted bool // in capitals only
}

// learn stems a written form seen for the first time in a language.
func (w *Words) learn(text string, en bool) written {
	m := written{form: strings.Clone(text), id: -1, shouted: shouted(text)}
	lower := strings.ToLower(text)
	if utf8.RuneCountInString(strings.ReplaceAll(lower, "-", "")) < 3 || stopwords[lower] {
		return m
	}
	var key string
	var parts []string
	if i := strings.LastIndexByte(lower, '-'); i >= 0 {
		for _, p := range strings.Split(lower, "-") {
			if utf8.RuneCountInString(p) >= 3 && !stopwords[p] {
				parts = append(parts, w.stem(p, en))
			}
		}
		key = fold(lower[:i+1]) + w.stem(lower[i+1:], en)
	} else {
		key = w.stem(lower, en)
	}
	id, ok := w.ids[key]
	if !ok {
		id = int32(len(w.stems))
		w.ids[key] = id
		w.stems = append(w.stems, &stem{key: key, forms: map[string]int{}, parts: parts})
	}
	if f := fold(lower); !en {
		if _, ok := w.folded[f]; !ok {
			w.folded[f] = id
		}
	}
	m.id = id
	return m
}

// isEnglish tells whether a text's words are English rather than German,
// each written form's language looked up once.
func (w *Words) isEnglish(toks []token) bool {
	if w.class == nil {
		w.class = map[string]int8{}
	}
	en, de := 0, 0
	for _, t := range toks {
		c, ok := w.class[t.text]
		if !ok {
			lower := strings.ToLower(t.text)
			switch {
			case englishOnly[lower]:
				c = 1
			case germanOnly[lower]:
				c = 2
			}
			w.class[strings.Clone(t.text)] = c
		}
		switch c {
		case 1:
			en++
		case 2:
			de++
		}
	}
	return en > de
}

// shouted tells whether a word of more than one letter is in capitals only.
func shouted(s string) bool {
	if utf8.RuneCountInString(s) <= 1 {
		return false
	}
	for _, r := range s {
		if unicode.ToUpper(r) != r {
			return false
		}
	}
	return true
}

// formWeight is how much one occurrence says about how a word is written.
func formWeight(initial, shouted bool) int {
	if shouted {
		return 0
	}
	if initial {
		return 1
	}
	return 2
}

// display is the form of a stem to show.
func (s *stem) display() string {
	best, bw := "", -1
	for f, wt := range s.forms {
		if wt > bw || wt == bw && (len(f) < len(best) || len(f) == len(best) && f < best) {
			best, bw = f, wt
		}
	}
	return best
}

// Top returns the n most used words, most used first (then the most used in
// compounds, then alphabetically).
func (w *Words) Top(n int) []WordCount {
	related := w.related()
	out := make([]WordCount, 0, len(w.stems))
	for id, s := range w.stems {
		out = append(out, WordCount{Word: s.display(), Count: s.count, Related: related[id]})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		if out[i].Related != out[j].Related {
			return out[i].Related > out[j].Related
		}
		return strings.ToLower(out[i].Word) < strings.ToLower(out[j].Word)
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}
