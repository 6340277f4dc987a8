package content

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// SentenceMark stands between two sentences of a Leichte Sprache message:
// the easy layout shows one sentence per line. The localiser writes it as a
// space for plain text (mails, JSON, attributes) and keeps it for HTML
// pages, where web.render turns it into a line break (U+2028 LINE
// SEPARATOR: never typed in a message file, and left alone by
// html/template's escaping in text and attributes).
const SentenceMark = "\u2028"

// markSentences puts SentenceMark in place of the space after each
// sentence of msg (a go-i18n message template): after ".", "!" or "?"
// (and closing quotes), followed by space and a capital letter, a digit,
// an opening quote or a placeholder. A full stop after a digit is an
// ordinal ("am 1. Dezember") and no sentence end; placeholders ({{…}})
// are never split.
func markSentences(msg string) string {
	var b strings.Builder
	depth := 0
	for i := 0; i < len(msg); {
		switch {
		case strings.HasPrefix(msg[i:], "{{"):
			depth++
			b.WriteString("{{")
			i += 2
			continue
		case strings.HasPrefix(msg[i:], "}}") && depth > 0:
			depth--
			b.WriteString("}}")
			i += 2
			continue
		}
		r, n := utf8.DecodeRuneInString(msg[i:])
		b.WriteRune(r)
		i += n
		if depth > 0 || (r != '.' && r != '!' && r != '?') || ordinal(msg[:i-n]) {
			continue
		}
		for i < len(msg) {
			q, m := utf8.DecodeRuneInString(msg[i:])
			if !strings.ContainsRune(`"“”»)`, q) {
				break
			}
			b.WriteRune(q)
			i += m
		}
		j := i
		for j < len(msg) && (msg[j] == ' ' || msg[j] == '\n') {
			j++
		}
		if j > i && j < len(msg) && sentenceStart(msg[j:]) {
			b.WriteString(SentenceMark)
			i = j
		}
	}
	return b.String()
}

// ordinal reports whether the text before a full stop ends in a digit.
func ordinal(before string) bool {
	r, _ := utf8.DecodeLastRuneInString(before)
	return unicode.IsDigit(r)
}

func sentenceStart(s string) bool {
	if strings.HasPrefix(s, "{{") {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r) || unicode.IsDigit(r) || r == '„' || r == '«'
}

// plainSentences turns the marks back into the spaces they stand for.
func plainSentences(s string) string {
	if !strings.Contains(s, SentenceMark) {
		return s
	}
	return strings.ReplaceAll(s, SentenceMark, " ")
}
