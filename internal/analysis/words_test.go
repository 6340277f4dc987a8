package analysis

import (
	"testing"
	"unicode/utf8"
)

func TestWordsCountContributionsNotRepetitions(t *testing.T) {
	w := NewWords()
	w.Add("Bäume, Bäume und noch mehr Bäume für den Park!")
	w.Add("Der Park braucht Bänke. PARK-Bänke.")
	w.Add("Mehr Licht am Radweg")
	top := w.Top(3)
	if len(top) != 3 || top[0] != (WordCount{"Park", 2, 0}) {
		t.Fatalf("%+v", top)
	}
	all := map[string]int{}
	for _, c := range w.Top(100) {
		all[c.Word] = c.Count
	}
	if all["Bäume"] != 1 || all["PARK-Bänke"] != 1 || all["Radweg"] != 1 || all["Licht"] != 1 {
		t.Fatalf("%v", all)
	}
	for _, c := range w.Top(100) {
		if stopwords[c.Word] || utf8.RuneCountInString(c.Word) < 3 {
			t.Fatalf("counted %q", c.Word)
		}
	}
}
