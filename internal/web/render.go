package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/moderation"
)

// Render writes page with data inside the layout.
func (s *Server) Render(c *fiber.Ctx, page string, data fiber.Map) error {
	b, err := s.render(c, page, data, Nonce(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(b)
}

// render executes page with data and the request's common values, with
// nonce as the scripts' nonce, and sets the page's CSP.
func (s *Server) render(c *fiber.Ctx, page string, data fiber.Map, nonce string) ([]byte, error) {
	t, ok := s.Pages.Lookup(page)
	if !ok {
		return nil, fmt.Errorf("web: no template %q", page)
	}
	if data == nil {
		data = fiber.Map{}
	}
	l := Localizer(c)
	easy := content.Easy(l.Tag)
	if easy {
		data["L"] = l.WithSentenceMarks() // one sentence per line (sentences.go)
	} else {
		data["L"] = l
	}
	data["Lang"] = l.Lang()
	data["Dir"] = l.Dir()
	c.Set(fiber.HeaderContentLanguage, l.Tag)
	data["Locale"] = l.Tag
	data["Locales"] = s.I18n.Available()
	data["Nonce"] = nonce
	data["CSRF"] = c.Locals("csrf")
	data["Path"] = c.Path()
	cfg := PageConfig{TileURL: s.Config.TileURL, TileAttribution: s.Config.TileAttribution}
	if u, a := procedureBaseMap(data); u != "" {
		cfg.TileURL, cfg.TileAttribution = u, a
	}
	data["Config"] = cfg
	s.setPageCSP(c, data)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		return nil, fmt.Errorf("web: render %s: %w", page, err)
	}
	if easy {
		return sentenceLines(buf.Bytes()), nil
	}
	return buf.Bytes(), nil
}

// PageConfig is the part of the configuration templates may see; the rest
// (the admin password, the metrics token, paths) never reaches a theme.
type PageConfig struct {
	TileURL         string
	TileAttribution string
}

// procedureBaseMap is the page's procedure's own base map, if it has one.
func procedureBaseMap(data fiber.Map) (url, attribution string) {
	for _, k := range []string{"P", "Proc"} {
		if p, ok := data[k].(interface{ BaseMap() (string, string) }); ok {
			return p.BaseMap()
		}
	}
	return "", ""
}

// setPageCSP adds a procedure's WMS plan layer and own base map to the
// page's image sources.
func (s *Server) setPageCSP(c *fiber.Ctx, data fiber.Map) {
	var origins []string
	if p, ok := data["P"].(interface{ WMSURL() string }); ok {
		if o := tileOrigin(p.WMSURL()); o != "" {
			origins = append(origins, o)
		}
	}
	if u, _ := procedureBaseMap(data); u != "" {
		if o := tileOrigin(u); o != "" {
			origins = append(origins, o)
		}
	}
	if len(origins) > 0 {
		c.Set("Content-Security-Policy", s.csp(Nonce(c), origins...))
	}
}

func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": s.Assets.URL,
		"md":    s.Markdown.Render,
		// mdEasy renders Markdown in Leichte Sprache: one sentence per line.
		"mdEasy": s.Markdown.RenderEasy,
		"date": func(l *content.Localizer, t time.Time) string {
			return l.Date(t.In(berlin))
		},
		"datetime": func(l *content.Localizer, t time.Time) string {
			return l.DateTime(t.In(berlin))
		},
		"iso":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"label": func(l *content.Localizer, lb model.Labels) string { return lb.Get(l.Tag) },
		// labelLang is "de" where label shows German standing in for the
		// reader's language (the element gets lang="de").
		"labelLang": func(l *content.Localizer, lb model.Labels) string { return lb.LangFor(l.Tag) },
		// germanOnly is "de" for texts that exist only in German (phase
		// titles, appointments) on a page in another language, else "".
		"germanOnly": func(l *content.Localizer) string {
			if l == nil || l.Lang() == "de" {
				return ""
			}
			return "de"
		},
		// planningLabel: a planning status's label (moderation.PlanningLabel).
		"planningLabel": moderation.PlanningLabel,
		// originKind: "online", "table", "letter", "phone", "paper" or "import".
		"originKind": model.OriginKind,
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		// importMap names the script modules for <script type="importmap">.
		"importMap": s.Assets.ImportMap,
		// jsI18n gives scripts the messages they show, as JSON for a data attribute.
		"jsI18n": s.scriptMessages,
	}
}

// scriptMessages gives scripts the messages they show, as JSON for a data
// attribute, made once per language: the messages do not change while the
// server runs.
func (s *Server) scriptMessages(l *content.Localizer) string {
	if b, ok := s.scriptMsgs.Load(l.Tag); ok {
		return b.(string)
	}
	b := s.makeScriptMessages(l)
	s.scriptMsgs.Store(l.Tag, b)
	return b
}

func (s *Server) makeScriptMessages(l *content.Localizer) string {
	m := map[string]string{}
	for _, k := range append(append(jsMessages, s.I18n.IDsWithPrefix("js.")...), s.I18n.IDsWithPrefix("similar.")...) {
		// A count's message goes with every plural form of the
		// language that differs from "other" (KEY|one, KEY|few, …);
		// scripts choose by n (tn in js/i18n.js).
		forms := l.PluralForms(k)
		m[k] = forms["other"]
		for cat, text := range forms {
			if cat != "other" && text != forms["other"] {
				m[k+"|"+cat] = text
			}
		}
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// jsMessages are the message IDs the theme's scripts use besides the "js."
// ones, which all go to them. The scripts have no messages of their own:
// a key missing here shows as the key (internal/app/jsmessages_test.go
// checks every t('…') and tn('…') of the scripts against the page).
var jsMessages = []string{"map.label", "map.place_here", "map.undo", "map.clear", "map.mode_point",
	"map.mode_line", "map.mode_polygon", "map.keyboard_hint", "map.placed", "contribute.next", "contribute.prev",
	"validation.required", "validation.too_short", "procedure.map", "procedure.new",
	"card.up", "card.down", "card.comments", "card.origin_table", "card.origin_letter", "card.origin_phone",
	"card.origin_paper", "card.origin_import", "card.answered", "procedure.count", "validation.geometry_outside_area",
	"places.map_label", "places.map_hot", "places.map_category", "places.map_topic", "places.map_more", "places.map_status",
	"wall.map", "wall.pin", "wall.arrived"}

var berlin = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Berlin"); err == nil {
		return loc
	}
	return time.FixedZone("CET", 3600)
}()
