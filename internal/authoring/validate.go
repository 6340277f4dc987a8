package authoring

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mitreden/mitreden/internal/model"
)

func checkLine(field, s string, required bool, max int) model.Errors {
	switch {
	case !utf8.ValidString(s):
		return model.Errors{{Field: field, Code: "invalid_utf8"}}
	case s == "" && required:
		return model.Errors{{Field: field, Code: "required"}}
	case utf8.RuneCountInString(s) > max:
		return model.Errors{{Field: field, Code: "too_long", Args: map[string]any{"Max": max}}}
	case strings.ContainsAny(s, "\n\r\x00"):
		return model.Errors{{Field: field, Code: "control_chars"}}
	}
	return nil
}

func checkMarkdown(field, s string, max int) model.Errors {
	switch {
	case !utf8.ValidString(s):
		return model.Errors{{Field: field, Code: "invalid_utf8"}}
	case utf8.RuneCountInString(s) > max:
		return model.Errors{{Field: field, Code: "too_long", Args: map[string]any{"Max": max}}}
	}
	return nil
}

// Berlin is the time zone the editor's dates are meant in.
var Berlin = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Berlin"); err == nil {
		return loc
	}
	return time.FixedZone("CET", 3600)
}()

// PhaseRow is one row of the timeline editor as typed: the kind, a title,
// the first and the last day (YYYY-MM-DD, both included). A row with
// neither kind nor dates is an unused one.
type PhaseRow struct {
	Kind, Title, Start, End string
	// Titles are the title in other locales (locale → title).
	Titles model.Labels
}

// Empty reports whether the row is unused.
func (r PhaseRow) Empty() bool {
	return strings.TrimSpace(r.Kind+r.Title+r.Start+r.End) == ""
}

// RowOf shows a phase as an editor row.
func RowOf(ph model.Phase) PhaseRow {
	return PhaseRow{Kind: string(ph.Kind), Title: ph.Title, Titles: ph.Texts["title"], Start: ph.StartsAt.In(Berlin).Format(time.DateOnly),
		End: ph.EndsAt.In(Berlin).Add(-time.Second).Format(time.DateOnly)}
}

// ParsePhases checks the timeline: each used row has a known kind and two
// dates with the end not before the start; in the order of their start no
// phase begins before the previous one ended; one of them is a
// participation phase. A phase starts at 0:00 of its first day and ends at
// 24:00 of its last day, Berlin time. Errors name the row's fields
// ("phase-2-end") or "phases" for the timeline as a whole.
func ParsePhases(rows []PhaseRow) ([]model.Phase, model.Errors) {
	var errs model.Errors
	var out []model.Phase
	participation := false
	for i, r := range rows {
		if r.Empty() {
			continue
		}
		n := i + 1
		field := func(f string) string { return fmt.Sprintf("phase-%d-%s", n, f) }
		kind := model.PhaseKind(strings.TrimSpace(r.Kind))
		switch kind {
		case model.PhaseInformation, model.PhaseParticipation, model.PhaseEvaluation, model.PhaseResults:
		default:
			errs = append(errs, model.FieldError{Field: field("kind"), Code: "author_phase_kind", Args: map[string]any{"N": n}})
		}
		errs = append(errs, checkLine(field("title"), strings.TrimSpace(r.Title), false, model.TitleMax)...)
		start, err1 := time.ParseInLocation(time.DateOnly, strings.TrimSpace(r.Start), Berlin)
		if err1 != nil {
			errs = append(errs, model.FieldError{Field: field("start"), Code: "author_phase_date", Args: map[string]any{"N": n}})
		}
		last, err2 := time.ParseInLocation(time.DateOnly, strings.TrimSpace(r.End), Berlin)
		if err2 != nil {
			errs = append(errs, model.FieldError{Field: field("end"), Code: "author_phase_date", Args: map[string]any{"N": n}})
		}
		if err1 != nil || err2 != nil {
			continue
		}
		end := last.AddDate(0, 0, 1)
		if !end.After(start) {
			errs = append(errs, model.FieldError{Field: field("end"), Code: "author_phase_backwards", Args: map[string]any{"N": n}})
			continue
		}
		participation = participation || kind == model.PhaseParticipation
		var texts model.Texts
		for loc, v := range r.Titles {
			v = model.Normalize(v)
			if loc == "de" || v == "" {
				continue
			}
			errs = append(errs, checkLine(field("title-"+loc), v, false, model.TitleMax)...)
			texts = texts.With("title", loc, v)
		}
		out = append(out, model.Phase{Kind: kind, Title: strings.TrimSpace(r.Title), StartsAt: start.UTC(), EndsAt: end.UTC(), ID: int64(n), Texts: texts})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].StartsAt.Before(out[j].StartsAt) })
	for i := 1; i < len(out); i++ {
		if out[i].StartsAt.Before(out[i-1].EndsAt) {
			errs = append(errs, model.FieldError{Field: fmt.Sprintf("phase-%d-start", out[i].ID), Code: "author_phase_overlap",
				Args: map[string]any{"N": out[i].ID, "Other": out[i-1].ID}})
		}
	}
	if !participation {
		errs = append(errs, model.FieldError{Field: "phases", Code: "author_phase_participation"})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	for i := range out {
		out[i].ID = 0
	}
	return out, nil
}

// CategoryRow is one row of the categories (or contribution types)
// editor. Order sorts the rows; Delete drops one.
type CategoryRow struct {
	Key    string
	Label  model.Labels
	Colour string
	Icon   string
	Order  string
	Delete bool
}

var colourRe = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// ParseCategories checks the categories: each has a key (letters, digits,
// dashes; unique), a German label, a colour #rrggbb and an icon of the
// theme's set (or none); at least one remains.
func ParseCategories(rows []CategoryRow, icons []string) ([]model.Category, model.Errors) {
	keyed, errs := parseKeyed(rows, "category", true)
	var out []model.Category
	for _, k := range keyed {
		r := k.row
		f := func(s string) string { return fmt.Sprintf("category-%d-%s", k.n, s) }
		colour := strings.TrimSpace(r.Colour)
		if !colourRe.MatchString(colour) {
			errs = append(errs, model.FieldError{Field: f("colour"), Code: "author_colour", Args: map[string]any{"N": k.n}})
		}
		icon := strings.TrimSpace(r.Icon)
		if icon != "" && !contains(icons, icon) {
			errs = append(errs, model.FieldError{Field: f("icon"), Code: "author_icon", Args: map[string]any{"N": k.n}})
		}
		out = append(out, model.Category{Key: k.key, Label: k.labels, Colour: strings.ToUpper(colour), Icon: icon})
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

// ParseTypes checks the contribution types: a key and a German label
// each; none at all is fine.
func ParseTypes(rows []CategoryRow) ([]model.Type, model.Errors) {
	keyed, errs := parseKeyed(rows, "type", false)
	if len(errs) > 0 {
		return nil, errs
	}
	var out []model.Type
	for _, k := range keyed {
		out = append(out, model.Type{Key: k.key, Label: k.labels})
	}
	return out, nil
}

type keyedRow struct {
	n      int
	key    string
	labels model.Labels
	order  int
	row    CategoryRow
}

func parseKeyed(rows []CategoryRow, what string, needOne bool) ([]keyedRow, model.Errors) {
	var errs model.Errors
	var out []keyedRow
	seen := map[string]bool{}
	for i, r := range rows {
		key := strings.TrimSpace(r.Key)
		empty := key == "" && strings.TrimSpace(r.Label["de"]) == ""
		if r.Delete || empty {
			continue
		}
		n := i + 1
		f := func(s string) string { return fmt.Sprintf("%s-%d-%s", what, n, s) }
		if !model.ValidSlug(key) {
			errs = append(errs, model.FieldError{Field: f("key"), Code: "author_key", Args: map[string]any{"N": n}})
		} else if seen[key] {
			errs = append(errs, model.FieldError{Field: f("key"), Code: "author_key_taken", Args: map[string]any{"N": n}})
		}
		seen[key] = true
		labels := model.Labels{}
		for loc, v := range r.Label {
			v = model.Normalize(v)
			if v == "" {
				continue
			}
			errs = append(errs, checkLine(f("label-"+loc), v, false, 80)...)
			labels[loc] = v
		}
		if labels["de"] == "" {
			errs = append(errs, model.FieldError{Field: f("label-de"), Code: "author_label", Args: map[string]any{"N": n}})
		}
		order := n * 10
		if o := strings.TrimSpace(r.Order); o != "" {
			v, err := strconv.Atoi(o)
			if err != nil {
				errs = append(errs, model.FieldError{Field: f("order"), Code: "not_a_number"})
			}
			order = v
		}
		out = append(out, keyedRow{n: n, key: key, labels: labels, order: order, row: r})
	}
	if needOne && len(out) == 0 && len(errs) == 0 {
		errs = append(errs, model.FieldError{Field: what + "-1-key", Code: "author_category_needed"})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].order < out[j].order })
	return out, errs
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// MapInput is the map form as typed.
type MapInput struct {
	Lat, Lon, Zoom                  string
	WMSURL, WMSLayers, WMSAttribute string
	BaseMapURL, BaseMapAttribution  string
}

// ParseMap checks the start view (a place on earth, zoom 1–19) and the WMS
// plan layer (settings' own rules) and returns them.
func ParseMap(in MapInput, st model.Settings) (model.MapView, model.Settings, model.Errors) {
	var errs model.Errors
	lat, err1 := parseNumber(in.Lat)
	if err1 != nil || lat < -90 || lat > 90 {
		errs = append(errs, model.FieldError{Field: "map-lat", Code: "geometry_range"})
	}
	lon, err2 := parseNumber(in.Lon)
	if err2 != nil || lon < -180 || lon > 180 {
		errs = append(errs, model.FieldError{Field: "map-lon", Code: "geometry_range"})
	}
	zoom, err := strconv.Atoi(strings.TrimSpace(in.Zoom))
	if err != nil || zoom < 1 || zoom > 19 {
		errs = append(errs, model.FieldError{Field: "map-zoom", Code: "out_of_range", Args: map[string]any{"Min": 1, "Max": 19}})
	}
	st.WMSURL, st.WMSLayers = strings.TrimSpace(in.WMSURL), strings.TrimSpace(in.WMSLayers)
	st.WMSAttribution = model.Normalize(in.WMSAttribute)
	for _, e := range st.Validate() {
		if strings.HasPrefix(e.Field, "wms") {
			e.Field = strings.ReplaceAll(e.Field, "_", "-")
			errs = append(errs, e)
		}
	}
	errs = append(errs, checkLine("wms-attribution", st.WMSAttribution, false, 200)...)
	st.BaseMapURL, st.BaseMapAttribution = strings.TrimSpace(in.BaseMapURL), model.Normalize(in.BaseMapAttribution)
	if st.BaseMapURL != "" {
		if len(st.BaseMapURL) > 500 || !model.ValidBaseMapURL(st.BaseMapURL) {
			errs = append(errs, model.FieldError{Field: "basemap-url", Code: "author_basemap_url"})
		}
		errs = append(errs, checkLine("basemap-attribution", st.BaseMapAttribution, true, 200)...)
	} else {
		st.BaseMapAttribution = ""
	}
	return model.MapView{Center: [2]float64{lon, lat}, Zoom: zoom}, st, errs
}

// parseNumber reads a decimal number with a point or a German comma.
func parseNumber(s string) (float64, error) {
	return strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(s), ",", "."), 64)
}
