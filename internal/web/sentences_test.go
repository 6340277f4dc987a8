package web

import "testing"

func TestSentenceLinesBreakOnlyWhereAnElementMayStand(t *testing.T) {
	const m = "\u2028"
	in := `<html><head><title>Eins.` + m + `Zwei.</title><style>p{}</style></head><body>` +
		`<p class="lead" aria-label="A.` + m + `B.">Eins.` + m + `Zwei.</p>` +
		`<select><option>Drei.` + m + `Vier.</option></select><textarea>X.` + m + `Y.</textarea>` +
		`<svg><text>S.` + m + `T.</text></svg><p>U.` + m + `V.</p></body></html>`
	want := `<html><head><title>Eins. Zwei.</title><style>p{}</style></head><body>` +
		`<p class="lead" aria-label="A. B.">Eins.<br class="ls-br">Zwei.</p>` +
		`<select><option>Drei. Vier.</option></select><textarea>X. Y.</textarea>` +
		`<svg><text>S. T.</text></svg><p>U.<br class="ls-br">V.</p></body></html>`
	if got := string(sentenceLines([]byte(in))); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if page := []byte("<p>Ohne Marken.</p>"); &sentenceLines(page)[0] != &page[0] {
		t.Error("a page without marks is copied")
	}
}
