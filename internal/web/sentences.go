package web

import (
	"bytes"

	"golang.org/x/net/html"

	"github.com/mitreden/mitreden/internal/content"
)

// sentenceBreak ends a sentence's line in the easy layout.
const sentenceBreak = `<br class="ls-br">`

var mark = []byte(content.SentenceMark)

// sentenceLines puts each sentence of the Leichte Sprache messages on a
// page on its own line: the localiser marked the sentence ends
// (content.SentenceMark); in text a mark becomes <br class="ls-br">, where
// no element may stand (a tag's attributes, title, option, textarea,
// script, style, SVG) a space, as in the message file. The page's bytes are
// copied unchanged otherwise (the tokenizer's raw bytes).
func sentenceLines(page []byte) []byte {
	if !bytes.Contains(page, mark) {
		return page
	}
	z := html.NewTokenizer(bytes.NewReader(page))
	var out bytes.Buffer
	out.Grow(len(page) + 256)
	textOnly := false // inside an element that holds text only
	svg := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			out.Write(z.Raw()) // io.EOF: nothing left
			break
		}
		raw := z.Raw()
		switch tt {
		case html.TextToken:
			if textOnly || svg > 0 {
				out.Write(bytes.ReplaceAll(raw, mark, []byte(" ")))
			} else {
				out.Write(bytes.ReplaceAll(raw, mark, []byte(sentenceBreak)))
			}
			continue
		case html.StartTagToken, html.EndTagToken:
			name, _ := z.TagName()
			open := tt == html.StartTagToken
			switch string(name) {
			case "title", "option", "textarea", "script", "style":
				textOnly = open
			case "svg":
				if open {
					svg++
				} else if svg > 0 {
					svg--
				}
			}
		}
		out.Write(bytes.ReplaceAll(raw, mark, []byte(" ")))
	}
	return out.Bytes()
}
