package model

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// FieldError names the field a rule failed on, a stable code for clients
// and translations, and parameters for the message.
type FieldError struct {
	Field string
	Code  string
	Args  map[string]any
}

// Errors collects the failed rules of one input.
type Errors []FieldError

func (e Errors) Error() string {
	parts := make([]string, 0, len(e))
	for _, f := range e {
		parts = append(parts, f.Field+": "+f.Code)
	}
	return "model: invalid input: " + strings.Join(parts, ", ")
}

// HasCode reports whether the rule code failed on field.
func (e Errors) HasCode(field, code string) bool {
	for _, f := range e {
		if f.Field == field && f.Code == code {
			return true
		}
	}
	return false
}

// Has reports whether a rule failed on field.
func (e Errors) Has(field string) bool {
	for _, f := range e {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Limits on resident input.
const (
	TitleMin      = 3
	TitleMax      = 200
	AuthorNameMax = 80
	CommentMin    = 2
	CommentMax    = 2000
)

// ContributionInput is what a resident submits, before it becomes a Contribution.
type ContributionInput struct {
	Title        string
	Text         string
	Category     string
	Type         string
	AuthorName   string
	Origin       string
	GeometryType string // "Point", "LineString", "Polygon" or "none"
}

var originTable = regexp.MustCompile(`^table:([1-9][0-9]{0,2})$`)

// ValidOrigin reports whether origin is online, import, letter, phone,
// paper or table:N (1–999).
func ValidOrigin(origin string) bool {
	return OriginKind(origin) != ""
}

// OriginKind names the kind of an origin for labels and filters: "online",
// "import", "letter", "phone", "paper" or "table" (for table:N); "" when the
// origin does not exist.
func OriginKind(origin string) string {
	switch origin {
	case "online", "import", "letter", "phone", "paper":
		return origin
	}
	if originTable.MatchString(origin) {
		return "table"
	}
	return ""
}

// Normalize trims surrounding space and unifies line endings.
func Normalize(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.TrimSpace(s)
}

// ValidateContribution checks a submission against the procedure's rules at
// time now. Geometry shape is checked by the geo package; here only whether
// its type is allowed.
func (p *Procedure) ValidateContribution(in ContributionInput, now time.Time) Errors {
	var errs Errors
	if !p.Accepting() {
		errs = append(errs, FieldError{Field: "phase", Code: "procedure_closed"})
	} else if !p.ParticipationOpen(now) {
		errs = append(errs, FieldError{Field: "phase", Code: "phase_closed"})
	}
	errs = append(errs, checkText("title", in.Title, TitleMin, TitleMax)...)
	min, max := p.Settings.TextMin, p.Settings.TextMax
	if min <= 0 {
		min = 10
	}
	if max <= 0 {
		max = 5000
	}
	errs = append(errs, checkText("text", in.Text, min, max)...)
	if in.Category == "" {
		errs = append(errs, FieldError{Field: "category", Code: "required"})
	} else if _, ok := p.Category(in.Category); !ok {
		errs = append(errs, FieldError{Field: "category", Code: "unknown_category"})
	}
	if in.Type != "" {
		if _, ok := p.Type(in.Type); !ok {
			errs = append(errs, FieldError{Field: "type", Code: "unknown_type"})
		}
	}
	if !utf8.ValidString(in.AuthorName) {
		errs = append(errs, FieldError{Field: "author_name", Code: "invalid_utf8"})
	} else if n := utf8.RuneCountInString(in.AuthorName); n > AuthorNameMax {
		errs = append(errs, FieldError{Field: "author_name", Code: "too_long", Args: map[string]any{"Max": AuthorNameMax}})
	} else if hasControl(in.AuthorName) {
		errs = append(errs, FieldError{Field: "author_name", Code: "control_chars"})
	}
	if in.Origin != "" && !ValidOrigin(in.Origin) {
		errs = append(errs, FieldError{Field: "origin", Code: "unknown_origin"})
	}
	gt := in.GeometryType
	if gt == "" {
		gt = "none"
	}
	if !p.Settings.AllowsGeometry(gt) {
		errs = append(errs, FieldError{Field: "geometry", Code: "geometry_not_allowed", Args: map[string]any{"Type": gt}})
	}
	return errs
}

// ValidateComment checks a comment's text and pseudonym.
func ValidateComment(text, author string) Errors {
	errs := checkText("text", text, CommentMin, CommentMax)
	if !utf8.ValidString(author) {
		errs = append(errs, FieldError{Field: "author_name", Code: "invalid_utf8"})
	} else if utf8.RuneCountInString(author) > AuthorNameMax {
		errs = append(errs, FieldError{Field: "author_name", Code: "too_long", Args: map[string]any{"Max": AuthorNameMax}})
	}
	return errs
}

// CheckText applies the rules of a resident's text field: valid UTF-8,
// min to max characters, no control characters but newline and tab.
func CheckText(field, s string, min, max int) Errors { return checkText(field, s, min, max) }

func checkText(field, s string, min, max int) Errors {
	if !utf8.ValidString(s) {
		return Errors{{Field: field, Code: "invalid_utf8"}}
	}
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		return Errors{{Field: field, Code: "required"}}
	case n < min:
		return Errors{{Field: field, Code: "too_short", Args: map[string]any{"Min": min}}}
	case n > max:
		return Errors{{Field: field, Code: "too_long", Args: map[string]any{"Max": max}}}
	case hasControl(strings.NewReplacer("\n", "", "\t", "").Replace(s)):
		return Errors{{Field: field, Code: "control_chars"}}
	}
	return nil
}

func hasControl(s string) bool {
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return true
		}
	}
	return false
}

// ValidSlug reports whether s can name a procedure or page in a URL: 1 to
// 64 of a-z, 0-9 and "-", neither first nor last a "-" (checked by hand:
// every request for a procedure asks, and a regular expression was a
// noticeable part of a cached answer's cost).
func ValidSlug(s string) bool {
	if len(s) == 0 || len(s) > 64 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// TableNumber returns N for an origin "table:N".
func TableNumber(origin string) (int, bool) {
	m := originTable.FindStringSubmatch(origin)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}

// Limits of a procedure's text length settings.
const (
	SettingsTextMax = 20000
)

// Validate checks a procedure's switches as a planner sets them.
func (s Settings) Validate() Errors {
	var errs Errors
	for field, v := range map[string]Switch{"comments": s.Comments, "ratings": s.Ratings} {
		if v != SwitchOn && v != SwitchReadOnly && v != SwitchOff {
			errs = append(errs, FieldError{Field: field, Code: "unknown_switch"})
		}
	}
	if s.Moderation != ModerationPost && s.Moderation != ModerationPre {
		errs = append(errs, FieldError{Field: "moderation", Code: "unknown_moderation"})
	}
	if len(s.GeometryTypes) == 0 {
		errs = append(errs, FieldError{Field: "geometry_types", Code: "required"})
	}
	seen := map[string]bool{}
	for _, g := range s.GeometryTypes {
		switch g {
		case "Point", "LineString", "Polygon", "none":
		default:
			errs = append(errs, FieldError{Field: "geometry_types", Code: "geometry_type"})
		}
		if seen[g] {
			errs = append(errs, FieldError{Field: "geometry_types", Code: "geometry_type"})
		}
		seen[g] = true
	}
	if s.TextMin < 1 || s.TextMin > 1000 {
		errs = append(errs, FieldError{Field: "text_min", Code: "out_of_range", Args: map[string]any{"Min": 1, "Max": 1000}})
	}
	if s.TextMax < s.TextMin || s.TextMax > SettingsTextMax {
		errs = append(errs, FieldError{Field: "text_max", Code: "out_of_range", Args: map[string]any{"Min": s.TextMin, "Max": SettingsTextMax}})
	}
	if s.WMSURL != "" {
		u, err := url.Parse(s.WMSURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil {
			errs = append(errs, FieldError{Field: "wms_url", Code: "bad_url"})
		}
	}
	if s.RetentionDays < 0 || s.RetentionDays > MaxRetentionDays {
		errs = append(errs, FieldError{Field: "retention_days", Code: "out_of_range", Args: map[string]any{"Min": 1, "Max": MaxRetentionDays}})
	}
	if len(s.WMSLayers) > 200 || hasControl(s.WMSLayers) {
		errs = append(errs, FieldError{Field: "wms_layers", Code: "too_long", Args: map[string]any{"Max": 200}})
	}
	return errs
}

// PageBodyMax bounds a content page's Markdown.
const PageBodyMax = 100_000

// ValidatePage checks a content page as a planner edits it.
func ValidatePage(pg Page) Errors {
	errs := checkText("title", pg.Title, 1, TitleMax)
	for field, v := range map[string]string{"body": pg.BodyMD, "easy": pg.EasyMD} {
		if !utf8.ValidString(v) {
			errs = append(errs, FieldError{Field: field, Code: "invalid_utf8"})
		} else if utf8.RuneCountInString(v) > PageBodyMax {
			errs = append(errs, FieldError{Field: field, Code: "too_long", Args: map[string]any{"Max": PageBodyMax}})
		}
	}
	if strings.TrimSpace(pg.BodyMD) == "" {
		errs = append(errs, FieldError{Field: "body", Code: "required"})
	}
	return errs
}
