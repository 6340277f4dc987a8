// Package model is Mitreden's domain: procedures, phases, pages, categories,
// contributions, comments, ratings, responses, users and roles, and the rules
// that decide what is valid. It performs no I/O and imports nothing of the
// project, so every other part can depend on it.
package model

import (
	"net/url"
	"strings"
	"time"

	"github.com/paulmach/orb"
)

// PhaseKind is the step of a procedure a phase stands for.
type PhaseKind string

// The phase kinds of a procedure, in their usual order.
const (
	PhaseInformation   PhaseKind = "information"
	PhaseParticipation PhaseKind = "participation"
	PhaseEvaluation    PhaseKind = "evaluation"
	PhaseResults       PhaseKind = "results"
)

// Phase is a dated step of a procedure.
type Phase struct {
	ID       int64
	Kind     PhaseKind
	Title    string
	StartsAt time.Time
	EndsAt   time.Time
	Texts    Texts // the title in other locales ("title")
}

// Contains reports whether t lies within the phase (start inclusive, end exclusive).
func (p Phase) Contains(t time.Time) bool {
	return !t.Before(p.StartsAt) && t.Before(p.EndsAt)
}

// Status of a procedure as residents see it, derived from its phases.
type ProcedureStatus string

// Procedure statuses.
const (
	StatusUpcoming ProcedureStatus = "upcoming"
	StatusRunning  ProcedureStatus = "running"
	StatusFinished ProcedureStatus = "finished"
)

// Feature switch for comments and ratings, as DIPAS offers them.
type Switch string

// Switch values.
const (
	SwitchOn       Switch = "on"       // allowed
	SwitchReadOnly Switch = "readonly" // shown but no new ones
	SwitchOff      Switch = "off"      // hidden
)

// Moderation modes.
const (
	ModerationPost = "post" // published at once, moderated afterwards
	ModerationPre  = "pre"  // published after a moderator's approval
)

// Settings holds the per-procedure switches.
type Settings struct {
	Comments      Switch   `json:"comments"`
	Ratings       Switch   `json:"ratings"`
	GeometryTypes []string `json:"geometry_types"` // allowed: Point, LineString, Polygon; "none" allows no location
	TextMin       int      `json:"text_min"`
	TextMax       int      `json:"text_max"`
	Moderation    string   `json:"moderation"`
	WMSURL        string   `json:"wms_url,omitempty"`
	WMSLayers     string   `json:"wms_layers,omitempty"`
	// RetentionDays: the text of a withdrawn or hidden contribution is
	// erased this many days after its last change (0: DefaultRetentionDays).
	RetentionDays int `json:"retention_days,omitempty"`
	// PlanningStatuses replaces the default planning statuses (received,
	// review, considered, rejected, implemented) when not empty.
	PlanningStatuses []PlanningStatus `json:"planning_statuses,omitempty"`
	// WMSAttribution credits the plan layer's source (plain text).
	WMSAttribution string `json:"wms_attribution,omitempty"`
	// BaseMapURL replaces the server's base map for this procedure: an
	// XYZ tile address with {z}, {x} and {y} (e.g. a city's own map);
	// empty keeps the server's. BaseMapAttribution credits it.
	BaseMapURL         string `json:"base_map_url,omitempty"`
	BaseMapAttribution string `json:"base_map_attribution,omitempty"`
}

// Retention bounds: the default and the longest a procedure may keep the
// text of withdrawn and hidden contributions.
const (
	DefaultRetentionDays = 30
	MaxRetentionDays     = 365
)

// Retention is the number of days after which the text of withdrawn and
// hidden contributions is erased.
func (s Settings) Retention() int {
	if s.RetentionDays <= 0 {
		return DefaultRetentionDays
	}
	return s.RetentionDays
}

// PlanningStatus is one public status a contribution can carry: a key and,
// optionally, its label per locale (without one the interface's own text
// for the key is shown).
type PlanningStatus struct {
	Key   string `json:"key"`
	Label Labels `json:"labels,omitempty"`
}

// DefaultSettings are the settings of a new procedure.
func DefaultSettings() Settings {
	return Settings{
		Comments:      SwitchOn,
		Ratings:       SwitchOn,
		GeometryTypes: []string{"Point", "LineString", "Polygon", "none"},
		TextMin:       10,
		TextMax:       5000,
		Moderation:    ModerationPost,
	}
}

// AllowsGeometry reports whether geometry type t ("none" for no location) is allowed.
func (s Settings) AllowsGeometry(t string) bool {
	for _, g := range s.GeometryTypes {
		if g == t {
			return true
		}
	}
	return false
}

// MapView is the opening view of a procedure's map.
type MapView struct {
	Center [2]float64 `json:"center"` // lon, lat
	Zoom   int        `json:"zoom"`
}

// Procedure is one planning procedure ("Verfahren").
type Procedure struct {
	ID          int64
	Slug        string
	Title       string
	SummaryMD   string
	IntroMD     string
	IntroEasyMD string
	Theme       string
	Area        orb.Polygon // may be nil
	Map         MapView
	Settings    Settings
	Phases      []Phase
	Categories  []Category
	Types       []Type
	// Translations holds title, summary and intro per locale other than German.
	Translations map[string]ProcedureText
	// Lifecycle is draft, published, closed or archived ("" reads as
	// published); see lifecycle.go.
	Lifecycle Lifecycle
	Version   int64
	// GeoVersion changes with every write that changes which of the
	// procedure's contributions the map shows where (a located
	// contribution added, moved, published, hidden or withdrawn), and
	// only then; Version changes with it.
	GeoVersion int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// WMSURL is the procedure's WMS base layer address ("" for none).
func (p *Procedure) WMSURL() string { return p.Settings.WMSURL }

// BaseMap is the procedure's own base map (tile address, attribution), or
// empty strings for the server's.
func (p *Procedure) BaseMap() (url, attribution string) {
	return p.Settings.BaseMapURL, p.Settings.BaseMapAttribution
}

// ValidBaseMapURL reports whether u is an http(s) XYZ tile address with
// {z}, {x} and {y}, without credentials.
func ValidBaseMapURL(u string) bool {
	if !strings.Contains(u, "{z}") || !strings.Contains(u, "{x}") || !strings.Contains(u, "{y}") {
		return false
	}
	parsed, err := url.Parse(strings.NewReplacer("{z}", "0", "{x}", "0", "{y}", "0", "{s}", "a", "{r}", "").Replace(u))
	return err == nil && (parsed.Scheme == "https" || parsed.Scheme == "http") && parsed.Host != "" && parsed.User == nil
}

// CurrentPhase returns the phase that contains now, if any.
func (p *Procedure) CurrentPhase(now time.Time) (Phase, bool) {
	for _, ph := range p.Phases {
		if ph.Contains(now) {
			return ph, true
		}
	}
	return Phase{}, false
}

// ParticipationOpen reports whether a participation phase is open at now.
func (p *Procedure) ParticipationOpen(now time.Time) bool {
	if !p.Accepting() {
		return false
	}
	for _, ph := range p.Phases {
		if ph.Kind == PhaseParticipation && ph.Contains(now) {
			return true
		}
	}
	return false
}

// Status derives the procedure's status from its phases.
func (p *Procedure) Status(now time.Time) ProcedureStatus {
	if len(p.Phases) == 0 {
		return StatusUpcoming
	}
	first, last := p.Phases[0].StartsAt, p.Phases[0].EndsAt
	for _, ph := range p.Phases {
		if ph.StartsAt.Before(first) {
			first = ph.StartsAt
		}
		if ph.EndsAt.After(last) {
			last = ph.EndsAt
		}
	}
	switch {
	case now.Before(first):
		return StatusUpcoming
	case !now.Before(last):
		return StatusFinished
	}
	return StatusRunning
}

// Category returns the category with key, if the procedure has it.
func (p *Procedure) Category(key string) (Category, bool) {
	for _, c := range p.Categories {
		if c.Key == key {
			return c, true
		}
	}
	return Category{}, false
}

// Type returns the contribution type with key, if the procedure has it.
func (p *Procedure) Type(key string) (Type, bool) {
	for _, t := range p.Types {
		if t.Key == key {
			return t, true
		}
	}
	return Type{}, false
}

// Category of contributions, with a colour and an icon for the map.
type Category struct {
	Key    string
	Label  Labels
	Colour string
	Icon   string
}

// Type (rubric) of contributions: idea, criticism, question …
type Type struct {
	Key   string
	Label Labels
}

// Page is a Markdown content page of a procedure in one locale.
type Page struct {
	ID        int64
	Slug      string
	Locale    string
	Title     string
	BodyMD    string
	EasyMD    string // Leichte Sprache variant, may be empty
	Position  int
	UpdatedAt time.Time
}

// Event is a public change, fed to live views through Server-Sent Events.
type Event struct {
	ID          int64
	ProcedureID int64
	Type        string // contribution.created/.updated/.removed, comment.created/.removed (store/events.go)
	Data        []byte // JSON
	CreatedAt   time.Time
}

// Appointment is an event of a procedure (workshop, walk, information evening).
type Appointment struct {
	ID          int64
	Title       string
	Description string
	StartsAt    time.Time
	EndsAt      time.Time
	Address     string
	Location    *orb.Point
	Texts       Texts // title and description in other locales
}

// Over reports whether the appointment has ended at now (one without an
// end has ended once it began).
func (a Appointment) Over(now time.Time) bool {
	if a.EndsAt.IsZero() {
		return a.StartsAt.Before(now)
	}
	return a.EndsAt.Before(now)
}

// Conception is a plan variant residents compare, rate and comment on.
type Conception struct {
	ID       int64
	Key      string
	Title    string
	BodyMD   string
	Image    string
	ImageAlt string
	Position int
	Up       int
	Down     int
	Comments int
	Texts    Texts // title, body_md and image_alt in other locales
}

// CategoryLabel returns the label of category key in locale ("" if unknown).
func (p *Procedure) CategoryLabel(key, locale string) string {
	c, _ := p.Category(key)
	return c.Label.Get(locale)
}

// TypeLabel returns the label of type key in locale ("" if unknown).
func (p *Procedure) TypeLabel(key, locale string) string {
	t, _ := p.Type(key)
	return t.Label.Get(locale)
}
