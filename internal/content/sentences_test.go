package content

import (
	"strings"
	"testing"
)

func TestMarkSentencesSplitsOnlyBetweenSentences(t *testing.T) {
	for in, want := range map[string]string{
		"Sie können schreiben. Das geht in 4 Schritten.": "Sie können schreiben.|Das geht in 4 Schritten.",
		"Fertig! Danke.":                                   "Fertig!|Danke.",
		"Wollen Sie das? Dann klicken Sie.":                "Wollen Sie das?|Dann klicken Sie.",
		"Klicken Sie auf „Senden“. Dann ist es fertig.":    "Klicken Sie auf „Senden“.|Dann ist es fertig.",
		"Das Treffen ist am 1. Dezember.":                  "Das Treffen ist am 1. Dezember.",
		"Es gibt {{.Count}} Beiträge. {{.Name}} schreibt.": "Es gibt {{.Count}} Beiträge.|{{.Name}} schreibt.",
		"Sie können {{if .A}}hier. Oder{{end}} dort.":      "Sie können {{if .A}}hier.|Oder{{end}} dort.",
		"Ein Satz ohne Ende":                               "Ein Satz ohne Ende",
		"Das ist gut. danach klein":                        "Das ist gut. danach klein",
	} {
		if got := strings.ReplaceAll(markSentences(in), SentenceMark, "|"); got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

func TestEasyMarkdownPutsEachSentenceOnItsOwnLine(t *testing.T) {
	m := NewMarkdown()
	got := string(m.RenderEasy("Hier geht es um Pläne. Sie können mit-reden!\nDas ist wichtig.\n\n- Erster Punkt. Zweiter Satz.\n\nEins ist da. Zwei ist da. Drei ist da.\n\n`a. B` bleibt."))
	for _, want := range []string{"Hier geht es um Pläne.<br>", "Sie können mit-reden!<br>", "Das ist wichtig.</p>",
		"Erster Punkt.<br>", "Zweiter Satz.</li>", "Eins ist da.<br>\nZwei ist da.<br>\nDrei ist da.</p>", "<code>a. B</code> bleibt."} {
		if !strings.Contains(got, want) {
			t.Errorf("easy Markdown lacks %q:\n%s", want, got)
		}
	}
	if std := string(m.Render("Hier geht es um Pläne. Sie können mit-reden!")); strings.Contains(std, "<br") {
		t.Errorf("standard Markdown breaks lines: %s", std)
	}
}
