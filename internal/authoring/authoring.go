// Package authoring is how planners build a procedure in the back office:
// a new procedure from a slug and a title, then its texts per locale,
// phases, categories and contribution types, planning area, map, content
// pages, plan variants, appointments and attached files. It holds the
// rules that decide what is valid; every accepted change goes to the
// store, which moves the procedure's version on and audits it.
package authoring

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// ErrForbidden refuses an account that may not author procedures.
var ErrForbidden = errors.New("authoring: not allowed")

// Store is what authoring needs of the store.
type Store interface {
	CreateProcedure(ctx context.Context, seed store.ProcedureSeed) (int64, error)
	Audit(ctx context.Context, actor, action, subject string, before, after any) error
	UpdateProcedure(ctx context.Context, p *model.Procedure, part store.ProcedurePart, a store.Audited) error
	CategoriesInUse(ctx context.Context, procedureID int64) (map[string]int, error)
	GeoPackageGeometries(ctx context.Context, data []byte, limit int) ([]store.GeoPackageBlob, error)
	AddPage(ctx context.Context, procedureID int64, pg model.Page, a store.Audited) error
	DeletePage(ctx context.Context, procedureID int64, slug string, a store.Audited) error
	MovePage(ctx context.Context, procedureID int64, slug string, by int, a store.Audited) error
	AddAppointment(ctx context.Context, procedureID int64, ap model.Appointment, a store.Audited) error
	SetAppointmentTexts(ctx context.Context, procedureID, id int64, t model.Texts, a store.Audited) error
	DeleteAppointment(ctx context.Context, procedureID, id int64, a store.Audited) error
	Appointments(ctx context.Context, procedureID int64) ([]model.Appointment, error)
	SaveConception(ctx context.Context, procedureID int64, c model.Conception, a store.Audited) error
	DeleteConception(ctx context.Context, procedureID int64, key string, a store.Audited) error
	Conceptions(ctx context.Context, procedureID int64) ([]model.Conception, error)
	AddAttachment(ctx context.Context, att *model.Attachment, data []byte, a store.Audited) error
	Attachments(ctx context.Context, procedureID int64) ([]model.Attachment, error)
	AttachmentData(ctx context.Context, procedureID, id int64) (model.Attachment, []byte, error)
	DeleteAttachment(ctx context.Context, procedureID, id int64, a store.Audited) error
	SubAreas(ctx context.Context, procedureID int64) ([]model.SubArea, error)
	SaveSubArea(ctx context.Context, procedureID int64, a model.SubArea, au store.Audited) (int64, error)
	DeleteSubArea(ctx context.Context, procedureID, id int64, a store.Audited) error
}

// Service carries out the authoring steps.
type Service struct {
	Store Store
	Now   func() time.Time
	// WMSClient asks WMS services for their capabilities (CheckWMS); nil
	// is a client that reaches public addresses only.
	WMSClient *http.Client
}

// New returns a Service on st.
func New(st Store) *Service { return &Service{Store: st, Now: time.Now} }

func allowed(actor *model.User) error {
	if actor == nil || !auth.Can(actor.Role, "manage_procedures") {
		return ErrForbidden
	}
	return nil
}

func audited(actor *model.User, action string) store.Audited {
	return store.Audited{Actor: actor.Email, Action: action}
}

// DefaultView is the start view of a new procedure until its planners set
// one (the middle of Germany, the whole country in sight).
var DefaultView = model.MapView{Center: [2]float64{10.45, 51.16}, Zoom: 6}

// Create makes an empty procedure with slug and title, through the same
// store step the folder import takes, and audits it. It answers
// model.Errors for a bad slug or title and store.ErrConflict when the slug
// is taken.
func (s *Service) Create(ctx context.Context, actor *model.User, slug, title string) (*model.Procedure, error) {
	if err := allowed(actor); err != nil {
		return nil, err
	}
	slug, title = model.Normalize(slug), model.Normalize(title)
	var errs model.Errors
	if !model.ValidSlug(slug) {
		errs = append(errs, model.FieldError{Field: "slug", Code: "author_slug"})
	}
	errs = append(errs, checkLine("title", title, true, model.TitleMax)...)
	if len(errs) > 0 {
		return nil, errs
	}
	// A new procedure starts as a draft: its team and whoever holds its
	// preview link see it until a planner publishes it. Its author is a
	// member, so that a planner scoped to procedures keeps what they make.
	p := model.Procedure{Slug: slug, Title: title, Map: DefaultView, Settings: model.DefaultSettings(), Lifecycle: model.LifecycleDraft}
	id, err := s.Store.CreateProcedure(ctx, store.ProcedureSeed{Procedure: p, Members: []int64{actor.ID}})
	if err != nil {
		return nil, err
	}
	p.ID = id
	return &p, s.Store.Audit(ctx, actor.Email, "procedure.create", slug, nil, map[string]string{"title": title})
}

// Texts are a procedure's title, summary and introduction in one locale.
type Texts struct {
	Title, Summary, Intro string
}

// TextsOf returns what the editor shows for locale: German is the
// procedure's own text; Leichte Sprache's introduction is the easy intro.
func TextsOf(p *model.Procedure, locale string) Texts {
	switch locale {
	case "de":
		return Texts{p.Title, p.SummaryMD, p.IntroMD}
	case "de-x-ls":
		tr := p.Translations[locale]
		return Texts{tr.Title, tr.SummaryMD, p.IntroEasyMD}
	}
	tr := p.Translations[locale]
	return Texts{tr.Title, tr.SummaryMD, tr.IntroMD}
}

// SaveTexts writes the texts of one locale. German needs a title; other
// locales may leave fields empty and fall back to German.
func (s *Service) SaveTexts(ctx context.Context, actor *model.User, p *model.Procedure, locale string, t Texts) error {
	return s.update(ctx, actor, p, store.PartTexts, func(q *model.Procedure) error {
		t = Texts{model.Normalize(t.Title), model.Normalize(t.Summary), model.Normalize(t.Intro)}
		errs := checkLine("title", t.Title, locale == "de", model.TitleMax)
		errs = append(errs, checkMarkdown("summary", t.Summary, 5000)...)
		errs = append(errs, checkMarkdown("intro", t.Intro, model.PageBodyMax)...)
		if len(errs) > 0 {
			return errs
		}
		setTexts(q, p, locale, t)
		return nil
	})
}

// setTexts puts the texts t of locale into q (a copy of p).
func setTexts(q, p *model.Procedure, locale string, t Texts) {
	q.Translations = map[string]model.ProcedureText{}
	for k, v := range p.Translations {
		q.Translations[k] = v
	}
	switch locale {
	case "de":
		q.Title, q.SummaryMD, q.IntroMD = t.Title, t.Summary, t.Intro
	case "de-x-ls":
		q.IntroEasyMD = t.Intro
		q.Translations[locale] = model.ProcedureText{Title: t.Title, SummaryMD: t.Summary}
	default:
		q.Translations[locale] = model.ProcedureText{Title: t.Title, SummaryMD: t.Summary, IntroMD: t.Intro}
	}
	for k, v := range q.Translations {
		if v == (model.ProcedureText{}) {
			delete(q.Translations, k)
		}
	}
}

// SavePhases replaces the procedure's phases with rows (see ParsePhases).
func (s *Service) SavePhases(ctx context.Context, actor *model.User, p *model.Procedure, rows []PhaseRow) error {
	return s.update(ctx, actor, p, store.PartPhases, func(q *model.Procedure) error {
		phases, errs := ParsePhases(rows)
		if len(errs) > 0 {
			return errs
		}
		q.Phases = phases
		return nil
	})
}

// SaveCategories replaces the procedure's categories with rows.
func (s *Service) SaveCategories(ctx context.Context, actor *model.User, p *model.Procedure, rows []CategoryRow, icons []string) error {
	return s.update(ctx, actor, p, store.PartCategories, func(q *model.Procedure) error {
		cats, err := s.categories(ctx, p, rows, icons)
		if err != nil {
			return err
		}
		q.Categories = cats
		return nil
	})
}

// categories reads the category rows, keeping every key contributions use.
func (s *Service) categories(ctx context.Context, p *model.Procedure, rows []CategoryRow, icons []string) ([]model.Category, error) {
	cats, errs := ParseCategories(rows, icons)
	if len(errs) > 0 {
		return nil, errs
	}
	// Contributions name their category by key: a key in use stays.
	used, err := s.Store.CategoriesInUse(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	kept := map[string]bool{}
	for _, c := range cats {
		kept[c.Key] = true
	}
	for _, old := range p.Categories {
		if n := used[old.Key]; n > 0 && !kept[old.Key] {
			field := "category-1-key"
			for i, r := range rows {
				if strings.TrimSpace(r.Key) == old.Key {
					field = fmt.Sprintf("category-%d-delete", i+1)
				}
			}
			errs = append(errs, model.FieldError{Field: field, Code: "author_category_in_use",
				Args: map[string]any{"Key": old.Key, "Label": old.Label.Get("de"), "Count": n}})
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return cats, nil
}

// SaveTypes replaces the procedure's contribution types with rows.
func (s *Service) SaveTypes(ctx context.Context, actor *model.User, p *model.Procedure, rows []CategoryRow) error {
	return s.update(ctx, actor, p, store.PartTypes, func(q *model.Procedure) error {
		types, errs := ParseTypes(rows)
		if len(errs) > 0 {
			return errs
		}
		q.Types = types
		return nil
	})
}

// SaveArea sets the planning area from what the planner drew, uploaded or
// typed (see ParseArea).
func (s *Service) SaveArea(ctx context.Context, actor *model.User, p *model.Procedure, in AreaInput) error {
	return s.update(ctx, actor, p, store.PartArea, func(q *model.Procedure) error {
		if in.Source == AreaFile && IsGeoPackage(in.File) {
			g, code := s.geoPackageArea(ctx, in.File)
			if code != "" {
				return model.Errors{{Field: "area", Code: code}}
			}
			in.Geometry = g
		}
		poly, errs := ParseArea(in)
		if len(errs) > 0 {
			return errs
		}
		q.Area = poly
		return nil
	})
}

// SaveMap sets the start view and the WMS plan layer.
func (s *Service) SaveMap(ctx context.Context, actor *model.User, p *model.Procedure, in MapInput) error {
	return s.update(ctx, actor, p, store.PartMap, func(q *model.Procedure) error {
		view, settings, errs := ParseMap(in, p.Settings)
		if len(errs) > 0 {
			return errs
		}
		q.Map, q.Settings = view, settings
		return nil
	})
}

// update is every Save step: it checks that actor may author, lets change
// set one part on a copy of p (or refuse, with field errors), and stores
// that part, audited as "procedure.<part>", moving the version on.
func (s *Service) update(ctx context.Context, actor *model.User, p *model.Procedure, part store.ProcedurePart, change func(q *model.Procedure) error) error {
	if err := allowed(actor); err != nil {
		return err
	}
	q := *p
	if err := change(&q); err != nil {
		return err
	}
	return s.Store.UpdateProcedure(ctx, &q, part, audited(actor, "procedure."+string(part)))
}
