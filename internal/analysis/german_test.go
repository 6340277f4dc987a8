package analysis

import (
	"strings"
	"testing"
)

// counted adds the texts and returns each shown word's entry.
func counted(texts ...string) map[string]WordCount {
	w := NewWords()
	for _, t := range texts {
		w.Add(t)
	}
	out := map[string]WordCount{}
	for _, c := range w.Top(1000) {
		out[c.Word] = c
	}
	return out
}

func TestInflectedFormsCountAsOneShownAsWritten(t *testing.T) {
	got := counted(
		"Der Grünzug muss bleiben.",
		"Die Breite des Grünzugs ist entscheidend.",
		"Wir wollen keine weiteren Eingriffe in die Grünzüge.",
	)
	if got["Grünzug"].Count != 3 {
		t.Fatalf("Grünzug should count in all three texts: %+v", got)
	}
	for w := range got {
		if strings.HasPrefix(strings.ToLower(w), "grünz") && w != "Grünzug" {
			t.Fatalf("%q counted apart from Grünzug: %+v", w, got)
		}
	}
}

func TestModalAndAuxiliaryVerbsAreNotCounted(t *testing.T) {
	got := counted(
		"Hier könnte eine Bank stehen, das wäre schön.",
		"Bäume wären gut, eine Bank würde helfen.",
		"Es fehlt eine Bank, man sollte und müsste etwas tun, Könnte man?",
	)
	for w := range got {
		switch strings.ToLower(w) {
		case "könnte", "wären", "würde", "wäre", "sollte", "müsste", "fehlt":
			t.Fatalf("stop word %q counted: %+v", w, got)
		}
	}
	if got["Bank"].Count != 3 {
		t.Fatalf("the noun keeps its capital and counts: %+v", got)
	}
}

// Straße and Strasse are one word: the German stemmer folds ß to ss, and
// residents typing without ß mean the same street.
func TestSharpSAndDoubleSAreOneWord(t *testing.T) {
	got := counted("Die Straße ist zu laut.", "Die Strasse braucht Tempo 30.", "Auf der Straße parken Autos.")
	if got["Straße"].Count != 3 || got["Strasse"].Count != 0 {
		t.Fatalf("%+v", got)
	}
}

func TestCompoundsCountForTheirParts(t *testing.T) {
	got := counted(
		"Der Radweg ist zu schmal.",
		"Radwege fehlen überall.",
		"Der Weg durch den Park ist dunkel.",
		"Mein Rad wurde gestohlen.",
		"Ein Radweg und ein Weg zum Rad-Parken.",
	)
	if c := got["Radweg"]; c.Count != 3 || c.Related != 0 {
		t.Fatalf("Radweg: %+v in %+v", c, got)
	}
	// Weg: written alone in two texts; used only inside Radweg in two more
	if c := got["Weg"]; c.Count != 2 || c.Related != 2 {
		t.Fatalf("Weg: %+v in %+v", c, got)
	}
	// Rad: alone in one text; only in Radweg/Radwege in two (the fifth text
	// has "Rad-Parken", which counts as its own compound word and for Rad too)
	if c := got["Rad"]; c.Count != 1 || c.Related != 3 {
		t.Fatalf("Rad: %+v in %+v", c, got)
	}
	// no split without both parts among the words: Park stays whole, and a
	// word of three letters is not split at all
	if c := got["Park"]; c.Count != 1 {
		t.Fatalf("Park: %+v", c)
	}
}

func TestEnglishTextsUseEnglishStopWordsAndStems(t *testing.T) {
	got := counted(
		"The bikes and the cars share the road, and that is dangerous.",
		"Please add a lane for the bike.",
		"Der Radweg ist gut.",
	)
	for w := range got {
		switch strings.ToLower(w) {
		case "the", "and", "that", "please", "for":
			t.Fatalf("English stop word %q counted: %+v", w, got)
		}
	}
	if got["bike"].Count != 2 {
		t.Fatalf("bikes and bike should group: %+v", got)
	}
	if got["Radweg"].Count != 1 {
		t.Fatalf("the German text still counts: %+v", got)
	}
}

func TestTokensKeepUmlautsAndHyphenatedCompounds(t *testing.T) {
	var got []string
	for _, tk := range tokens("Öffentliche Grünflächen, Max-Brauer-Allee; Rad- und Fußwege -- ok.") {
		got = append(got, tk.text)
	}
	want := "Öffentliche Grünflächen Max-Brauer-Allee Rad und Fußwege ok"
	if strings.Join(got, " ") != want {
		t.Fatalf("%q", got)
	}
}
