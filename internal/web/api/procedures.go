package api

import (
	"encoding/json"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/moderation"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

// A "<field>_lang" next to a text is "de" where the text is the German one
// standing in for a missing translation into the language asked for; it
// is absent where the text is in that language.

type phaseJSON struct {
	Kind      string    `json:"kind"`
	Title     string    `json:"title"`
	TitleLang string    `json:"title_lang,omitempty"`
	StartsAt  time.Time `json:"starts_at"`
	EndsAt    time.Time `json:"ends_at"`
	Current   bool      `json:"current"`
}

type categoryJSON struct {
	Key       string       `json:"key"`
	Label     string       `json:"label"`
	LabelLang string       `json:"label_lang,omitempty"`
	Labels    model.Labels `json:"labels"`
	Colour    string       `json:"colour,omitempty"`
	Icon      string       `json:"icon,omitempty"`
}

type procedureJSON struct {
	Slug              string            `json:"slug"`
	Title             string            `json:"title"`
	TitleLang         string            `json:"title_lang,omitempty"`
	Summary           string            `json:"summary_md"`
	SummaryLang       string            `json:"summary_md_lang,omitempty"`
	Status            string            `json:"status"`
	Lifecycle         string            `json:"lifecycle"` // draft, published, closed, archived
	ParticipationOpen bool              `json:"participation_open"`
	URL               string            `json:"url"`
	Area              json.RawMessage   `json:"area"`
	Map               model.MapView     `json:"map"`
	Phases            []phaseJSON       `json:"phases,omitempty"`
	Categories        []categoryJSON    `json:"categories,omitempty"`
	Types             []categoryJSON    `json:"types,omitempty"`
	Settings          *model.Settings   `json:"settings,omitempty"`
	Contributions     *int              `json:"contribution_count,omitempty"`
	Appointments      []appointmentJSON `json:"appointments,omitempty"`

	// PlanningStatuses: the keys a contribution's planning_status may
	// take, with their labels in the request's language.
	PlanningStatuses []moderation.PlanningOption `json:"planning_statuses,omitempty"`
}

type appointmentJSON struct {
	Title           string    `json:"title"`
	TitleLang       string    `json:"title_lang,omitempty"`
	Description     string    `json:"description,omitempty"`
	DescriptionLang string    `json:"description_lang,omitempty"`
	StartsAt        time.Time `json:"starts_at"`
	EndsAt          time.Time `json:"ends_at"`
	Address         string    `json:"address,omitempty"`
	Lon             *float64  `json:"lon,omitempty"`
	Lat             *float64  `json:"lat,omitempty"`
}

func (h *Handler) procedureJSON(c *fiber.Ctx, p *model.Procedure, full bool) procedureJSON {
	now := h.Now()
	tag := web.Localizer(c).Tag
	t := p.Text(tag)
	out := procedureJSON{Slug: p.Slug, Title: t.Title, TitleLang: t.TitleLang, Summary: t.SummaryMD, Status: string(p.Status(now)), Lifecycle: string(p.State()),
		ParticipationOpen: p.ParticipationOpen(now), URL: h.BaseURL(c) + "/p/" + p.Slug,
		Area: geo.MarshalGeometry(areaGeometry(p)), Map: p.Map}
	if t.SummaryMD != "" {
		out.SummaryLang = t.SummaryLang
	}
	if !full {
		return out
	}
	for _, ph := range p.Phases {
		title := ph.TitleIn(tag)
		out.Phases = append(out.Phases, phaseJSON{Kind: string(ph.Kind), Title: title.Text, TitleLang: title.Lang, StartsAt: ph.StartsAt, EndsAt: ph.EndsAt, Current: ph.Contains(now)})
	}
	for _, k := range p.Categories {
		out.Categories = append(out.Categories, categoryJSON{Key: k.Key, Label: k.Label.Get(tag), LabelLang: k.Label.LangFor(tag), Labels: k.Label, Colour: k.Colour, Icon: k.Icon})
	}
	for _, k := range p.Types {
		out.Types = append(out.Types, categoryJSON{Key: k.Key, Label: k.Label.Get(tag), LabelLang: k.Label.LangFor(tag), Labels: k.Label})
	}
	st := p.Settings
	out.Settings = &st
	out.PlanningStatuses = moderation.PlanningOptions(web.Localizer(c), p)
	return out
}

func areaGeometry(p *model.Procedure) orb.Geometry {
	if p.Area == nil {
		return nil
	}
	return p.Area
}

func (h *Handler) procedures(c *fiber.Ctx) error {
	ps, err := h.Part.Procedures(c.UserContext())
	if err != nil {
		return err
	}
	out := make([]procedureJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, h.procedureJSON(c, p, false))
	}
	return c.JSON(fiber.Map{"procedures": out})
}

func (h *Handler) procedure(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	out := h.procedureJSON(c, p, true)
	n, err := h.Count(c.UserContext(), p, store.Filter{ProcedureID: p.ID})
	if err != nil {
		return err
	}
	out.Contributions = &n
	appts, err := h.Part.Appointments(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	for _, a := range appts {
		tag := web.Localizer(c).Tag
		title, desc := a.TitleIn(tag), a.DescriptionIn(tag)
		aj := appointmentJSON{Title: title.Text, TitleLang: title.Lang, Description: desc.Text, DescriptionLang: desc.Lang,
			StartsAt: a.StartsAt, EndsAt: a.EndsAt, Address: a.Address}
		if a.Location != nil {
			lon, lat := a.Location.Lon(), a.Location.Lat()
			aj.Lon, aj.Lat = &lon, &lat
		}
		out.Appointments = append(out.Appointments, aj)
	}
	return c.JSON(out)
}

func (h *Handler) places(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	places, err := h.Part.Places(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	type placeJSON struct {
		Name string  `json:"name"`
		Kind string  `json:"kind"`
		Lon  float64 `json:"lon"`
		Lat  float64 `json:"lat"`
	}
	out := make([]placeJSON, 0, len(places))
	for _, pl := range places {
		out = append(out, placeJSON(pl))
	}
	return c.JSON(fiber.Map{"places": out})
}
