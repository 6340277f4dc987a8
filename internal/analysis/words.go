package analysis

import (
	"sort"
	"strings"
	"unicode"
)

// stopwords are German and English function words left out of word counts.
var stopwords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`aber alle allem allen aller alles als also am an andere anderen auch auf aus bei beim bin bis bitte da dadurch daher damit dann das dass dem den denen der des dessen die dies diese diesem diesen dieser dieses doch dort du durch ein eine einem einen einer eines er es etwa etwas euch für gegen gibt hat hatte hier hin hinter ich ihr ihre im in ins ist ja jede jeder jetzt kann kein keine können machen man mehr mein mit muss müssen nach nicht nichts noch nun nur ob oder ohne sehr sein seine sich sie sind so soll sollte sollen sondern sowie über um und uns unser unter viel viele vom von vor war waren was weil wenn wer werden wie wieder wir wird wo würde zu zum zur zwischen
a about all also an and are as at be but by can for from has have i if in into is it its more no not of on or our so that the their there these they this to too was we were what when which will with would you`) {
		stopwords[w] = true
	}
}

// WordCount is a word and how many contributions use it.
type WordCount struct {
	Word  string
	Count int
}

// Words counts in how many texts each word (lower-cased, at least four
// letters, no stopword) occurs. Feed it one text at a time.
type Words struct {
	counts map[string]int
	seen   map[string]bool
}

// NewWords returns an empty counter.
func NewWords() *Words { return &Words{counts: map[string]int{}, seen: map[string]bool{}} }

// Add counts the words of one contribution once each.
func (w *Words) Add(text string) {
	clear(w.seen)
	for _, f := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) && r != '-' }) {
		f = strings.Trim(f, "-")
		if len([]rune(f)) < 4 || stopwords[f] || w.seen[f] {
			continue
		}
		w.seen[f] = true
		w.counts[f]++
	}
}

// Top returns the n most used words, most used first (ties alphabetically).
func (w *Words) Top(n int) []WordCount {
	out := make([]WordCount, 0, len(w.counts))
	for k, v := range w.counts {
		out = append(out, WordCount{k, v})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Word < out[j].Word
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}
