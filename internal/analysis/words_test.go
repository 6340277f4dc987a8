package analysis

import "testing"

func TestWordsCountContributionsNotRepetitions(t *testing.T) {
	w := NewWords()
	w.Add("Bäume, Bäume und noch mehr Bäume für den Park!")
	w.Add("Der Park braucht Bänke. PARK-Bänke.")
	w.Add("Mehr Licht am Radweg")
	top := w.Top(3)
	if len(top) != 3 || top[0] != (WordCount{"park", 2}) {
		t.Fatalf("%+v", top)
	}
	all := map[string]int{}
	for _, c := range w.Top(100) {
		all[c.Word] = c.Count
	}
	if all["bäume"] != 1 || all["park-bänke"] != 1 || all["radweg"] != 1 || all["licht"] != 1 {
		t.Fatalf("%v", all)
	}
	for _, c := range w.Top(100) {
		if stopwords[c.Word] || len([]rune(c.Word)) < 4 {
			t.Fatalf("counted %q", c.Word)
		}
	}
}
