package mail

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"strings"

	"github.com/mitreden/mitreden/internal/content"
)

// Message is one composed e-mail, before it gets its envelope.
type Message struct {
	Lang    string
	Subject string
	Blocks  []Block
	// Unsubscribe is the one-click unsubscribe address of a resident's
	// message (List-Unsubscribe); empty for staff mail.
	Unsubscribe string
}

// Block is a paragraph ("p"), a quoted text ("quote"), a link ("link") or
// a list entry with an optional link ("item").
type Block struct {
	Kind, Text, URL string
}

// Text is the plain-text part.
func (m *Message) Text() string {
	var b strings.Builder
	for _, bl := range m.Blocks {
		switch bl.Kind {
		case "quote":
			for _, line := range strings.Split(strings.TrimSpace(bl.Text), "\n") {
				b.WriteString("> " + line + "\n")
			}
			b.WriteString("\n")
		case "link":
			b.WriteString(bl.Text + ":\n" + bl.URL + "\n\n")
		case "item":
			b.WriteString("- " + bl.Text)
			if bl.URL != "" {
				b.WriteString("\n  " + bl.URL)
			}
			b.WriteString("\n")
		default:
			b.WriteString(bl.Text + "\n\n")
		}
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

var htmlPart = template.Must(template.New("mail").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family:sans-serif;font-size:16px;line-height:1.5;color:#1a1a1a;max-width:40em">
{{range .Blocks}}{{if eq .Kind "quote"}}<blockquote style="border-left:4px solid #005ca9;margin:0 0 1em;padding:0 1em;white-space:pre-wrap">{{.Text}}</blockquote>
{{else if eq .Kind "link"}}<p><a href="{{.URL}}" style="color:#005ca9">{{.Text}}</a></p>
{{else if eq .Kind "item"}}<p style="margin:0 0 .5em">• {{if .URL}}<a href="{{.URL}}" style="color:#005ca9">{{.Text}}</a>{{else}}{{.Text}}{{end}}</p>
{{else}}<p>{{.Text}}</p>
{{end}}{{end}}</body></html>`))

// HTML is the HTML part: the same blocks, escaped.
func (m *Message) HTML() (string, error) {
	var b bytes.Buffer
	if err := htmlPart.Execute(&b, m); err != nil {
		return "", err
	}
	return b.String(), nil
}

// Links are the addresses a message points to.
type Links struct {
	Base       string // the server's public base URL, without a trailing slash
	Token      string // the subscription's token (confirm, unsubscribe)
	Manage     string // the resident's manage token
	ResetToken string // a password reset's token
}

// Compose writes the message of kind in locale from its outbox data.
func Compose(i18n *content.I18n, locale, kind string, raw []byte, ln Links) (*Message, error) {
	var d map[string]any
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("mail: bad message data: %w", err)
	}
	l := i18n.Localizer(locale)
	str := func(k string) string { s, _ := d[k].(string); return s }
	title, proc := str("title"), str("procedure_title")
	contribURL := ln.Base + "/p/" + str("procedure") + "/contributions/" + str("contribution")
	m := &Message{Lang: l.Lang()}
	p := func(text string) { m.Blocks = append(m.Blocks, Block{Kind: "p", Text: text}) }
	link := func(label, url string) { m.Blocks = append(m.Blocks, Block{Kind: "link", Text: label, URL: url}) }
	quote := func(text string) {
		if strings.TrimSpace(text) != "" {
			m.Blocks = append(m.Blocks, Block{Kind: "quote", Text: text})
		}
	}
	resident := func() {
		if ln.Manage != "" {
			link(l.T("mail.link.manage"), ln.Base+"/manage/"+ln.Manage)
		}
		m.Unsubscribe = ln.Base + "/mail/unsubscribe/" + ln.Token
		p(l.T("mail.footer.why", "Title", title))
		link(l.T("mail.link.unsubscribe"), m.Unsubscribe)
	}
	switch kind {
	case "confirm":
		m.Subject = l.T("mail.confirm.subject", "Procedure", proc)
		p(l.T("mail.confirm.text", "Title", title, "Procedure", proc))
		link(l.T("mail.confirm.link"), ln.Base+"/mail/confirm/"+ln.Token)
		p(l.T("mail.confirm.ignore"))
		m.Unsubscribe = ln.Base + "/mail/unsubscribe/" + ln.Token
	case "response":
		m.Subject = l.T("mail.response.subject", "Title", title)
		p(l.T("mail.response.text", "Title", title, "Procedure", proc))
		quote(str("text"))
		link(l.T("mail.link.contribution"), contribURL)
		resident()
	case "hidden":
		m.Subject = l.T("mail.hidden.subject", "Title", title)
		p(l.T("mail.hidden.text", "Title", title, "Procedure", proc))
		if r := str("reason"); r != "" {
			p(l.T("mail.hidden.reason"))
			quote(r)
		}
		resident()
	case "merged":
		m.Subject = l.T("mail.merged.subject", "Title", title)
		p(l.T("mail.merged.text", "Title", title, "Procedure", proc))
		quote(str("reason"))
		link(l.T("mail.link.merged_into"), ln.Base+"/p/"+str("procedure")+"/contributions/"+str("into"))
		resident()
	case "status":
		status := str("status")
		if s := l.T("planning.status." + status); s != "planning.status."+status {
			status = s
		}
		m.Subject = l.T("mail.status.subject", "Title", title)
		p(l.T("mail.status.text", "Title", title, "Status", status))
		link(l.T("mail.link.contribution"), contribURL)
		resident()
	case "reply":
		m.Subject = l.T("mail.reply.subject", "Title", title)
		p(l.T("mail.reply.text", "Title", title, "Procedure", proc))
		quote(str("text"))
		link(l.T("mail.reply.link"), contribURL+"#comments")
		p(l.T("mail.reply.pause"))
		resident()
	case "digest":
		m.Subject = l.T("mail.digest.subject", "Procedure", proc)
		items, _ := d["contributions"].([]any)
		if len(items) > 0 {
			p(l.TN("mail.digest.waiting", len(items)))
			for _, it := range items {
				o, _ := it.(map[string]any)
				id, _ := o["id"].(string)
				t, _ := o["title"].(string)
				m.Blocks = append(m.Blocks, Block{Kind: "item", Text: t, URL: ln.Base + "/admin/p/" + str("procedure") + "/contributions/" + id})
			}
		}
		reports, _ := d["reports"].([]any)
		if len(reports) > 0 {
			p(l.TN("mail.digest.reports", len(reports)))
			for _, it := range reports {
				o, _ := it.(map[string]any)
				ex, _ := o["excerpt"].(string)
				reason, _ := o["reason"].(string)
				text := ex
				if reason != "" {
					text += " — " + reason
				}
				m.Blocks = append(m.Blocks, Block{Kind: "item", Text: text})
			}
		}
		link(l.T("mail.digest.open"), ln.Base+"/admin/p/"+str("procedure"))
		p(l.T("mail.digest.footer"))
	case "reset":
		m.Subject = l.T("mail.reset.subject")
		p(l.T("mail.reset.text"))
		link(l.T("mail.reset.link"), ln.Base+"/admin/reset/"+ln.ResetToken)
		p(l.T("mail.reset.ignore"))
	default:
		return nil, fmt.Errorf("mail: unknown message kind %q", kind)
	}
	return m, nil
}
