// Package demo loads the demo procedure from data/ and generates synthetic
// contributions for trials and benchmarks.
package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

type labelled struct {
	Key    string       `json:"key"`
	Label  model.Labels `json:"label"`
	Colour string       `json:"colour"`
	Icon   string       `json:"icon"`
}

type procedureFile struct {
	Slug        string `json:"slug"`
	Title       string `json:"title"`
	SummaryMD   string `json:"summary_md"`
	IntroMD     string `json:"intro_md"`
	IntroMDEasy string `json:"intro_md_easy"`
	// Texts in other languages: title_<tag>, summary_md_<tag>,
	// intro_md_<tag> (see locales.go).
	// Translations holds title, summary and intro per locale other than
	// German (a procedure export writes them; they win over the
	// title_<tag> fields).
	Translations map[string]model.ProcedureText `json:"translations,omitempty"`
	Theme        string                         `json:"theme,omitempty"`
	// Status is the lifecycle: draft, published (the default), closed or
	// archived.
	Status model.Lifecycle `json:"status"`
	Phases []struct {
		Kind       model.PhaseKind `json:"kind"`
		StartsDays float64         `json:"starts_days"` // relative to now (demo)
		EndsDays   float64         `json:"ends_days"`
		StartsAt   *time.Time      `json:"starts_at"` // absolute (a real procedure); wins over days
		EndsAt     *time.Time      `json:"ends_at"`
		Title      string          `json:"title"`
	} `json:"phases"`
	Categories []labelled      `json:"categories"`
	Types      []labelled      `json:"types"`
	Area       json.RawMessage `json:"area"`
	Map        model.MapView   `json:"map"`
	Settings   *model.Settings `json:"settings"`
	Pages      []struct {
		Slug     string `json:"slug"`
		Title    string `json:"title"` // title_<tag> in other languages
		File     string `json:"file"`
		Position int    `json:"position"`
		// Locale set: the entry is that one locale's page, its Leichte
		// Sprache variant in EasyFile (no files are looked for beside it).
		Locale   string `json:"locale,omitempty"`
		EasyFile string `json:"easy_file,omitempty"`
	} `json:"pages"`
	Appointments []struct {
		Title           string  `json:"title"`
		Description     string  `json:"description"`
		StartsDays      float64 `json:"starts_days"`
		StartTime       string  `json:"start_time"`
		DurationMinutes int     `json:"duration_minutes"`
		Address         string  `json:"address"`
		Lon             float64 `json:"lon"`
		Lat             float64 `json:"lat"`
		// StartsAt and EndsAt (a procedure export) win over the relative
		// day and time; NoPlace marks an appointment without a location.
		StartsAt *time.Time `json:"starts_at,omitempty"`
		EndsAt   *time.Time `json:"ends_at,omitempty"`
		NoPlace  bool       `json:"no_place,omitempty"`
	} `json:"appointments"`
	Conceptions []struct {
		Key      string `json:"key"`
		Title    string `json:"title"`
		BodyMD   string `json:"body_md"`
		Image    string `json:"image"`
		ImageAlt string `json:"image_alt"`
	} `json:"conceptions"`
	// Files are attached files (see fileEntry).
	Files []fileEntry `json:"files,omitempty"`
}

type demoComment struct {
	Text       string        `json:"text"`
	AuthorName string        `json:"author_name"`
	DaysAgo    float64       `json:"days_ago"`
	Replies    []demoComment `json:"replies"`
}

type demoProps struct {
	Title          string  `json:"title"`
	Text           string  `json:"text"`
	Category       string  `json:"category"`
	Type           string  `json:"type"`
	AuthorName     string  `json:"author_name"`
	Origin         string  `json:"origin"`
	CreatedDaysAgo float64 `json:"created_days_ago"`
	Status         string  `json:"status"`
	Ratings        struct {
		Up   int `json:"up"`
		Down int `json:"down"`
	} `json:"ratings"`
	Comments   []demoComment `json:"comments"`
	ResponseMD string        `json:"response_md"`
}

func days(now time.Time, d float64) time.Time {
	return now.Add(time.Duration(d * float64(24*time.Hour))).UTC()
}

// ReadProcedure parses the demo procedure in fsys (the data/demo folder)
// with its phases placed relative to now.
func ReadProcedure(fsys fs.FS, now time.Time) (store.ProcedureSeed, error) {
	var seed store.ProcedureSeed
	raw, err := fs.ReadFile(fsys, "procedure.json")
	if err != nil {
		return seed, fmt.Errorf("demo: %w", err)
	}
	var pf procedureFile
	if err := json.Unmarshal(raw, &pf); err != nil {
		return seed, fmt.Errorf("demo: procedure.json: %w", err)
	}
	p := model.Procedure{Slug: pf.Slug, Title: pf.Title, SummaryMD: pf.SummaryMD, IntroMD: pf.IntroMD,
		IntroEasyMD: pf.IntroMDEasy, Map: pf.Map, Settings: model.DefaultSettings()}
	if pf.Settings != nil {
		p.Settings = *pf.Settings
	}
	p.Lifecycle = model.LifecyclePublished
	if pf.Status != "" {
		if !model.ValidLifecycle(pf.Status) {
			return seed, fmt.Errorf("demo: status %q must be draft, published, closed or archived", pf.Status)
		}
		p.Lifecycle = pf.Status
	}
	if p.Translations, err = procedureTranslations(raw); err != nil {
		return seed, err
	}
	if len(pf.Translations) > 0 {
		p.Translations = pf.Translations
	}
	p.Theme = pf.Theme
	var entries partEntries
	_ = json.Unmarshal(raw, &entries) // read above as pf already
	if len(pf.Area) > 0 {
		g, err := geojson.UnmarshalGeometry(pf.Area)
		if err != nil {
			return seed, fmt.Errorf("demo: area: %w", err)
		}
		poly, ok := g.Geometry().(orb.Polygon)
		if !ok {
			return seed, errors.New("demo: area must be a Polygon")
		}
		p.Area = poly
	}
	for i, ph := range pf.Phases {
		start, end := days(now, ph.StartsDays), days(now, ph.EndsDays)
		if ph.StartsAt != nil && ph.EndsAt != nil {
			start, end = ph.StartsAt.UTC(), ph.EndsAt.UTC()
		}
		switch ph.Kind {
		case model.PhaseInformation, model.PhaseParticipation, model.PhaseEvaluation, model.PhaseResults:
		default:
			return seed, fmt.Errorf("demo: phase %d: kind must be information, participation, evaluation or results", i+1)
		}
		if !end.After(start) {
			return seed, fmt.Errorf("demo: phase %d ends before it starts", i+1)
		}
		texts, err := partTexts(entries.Phases[i], fmt.Sprintf("phase %d", i+1), "title")
		if err != nil {
			return seed, err
		}
		p.Phases = append(p.Phases, model.Phase{Kind: ph.Kind, Title: ph.Title, StartsAt: start, EndsAt: end, Texts: texts})
	}
	if !model.ValidSlug(p.Slug) {
		return seed, fmt.Errorf("demo: slug %q must be lower-case letters, digits and dashes", p.Slug)
	}
	if strings.TrimSpace(p.Title) == "" {
		return seed, errors.New("demo: title is required")
	}
	for _, c := range pf.Categories {
		p.Categories = append(p.Categories, model.Category{Key: c.Key, Label: c.Label, Colour: c.Colour, Icon: c.Icon})
	}
	for _, t := range pf.Types {
		p.Types = append(p.Types, model.Type{Key: t.Key, Label: t.Label})
	}
	seed.Procedure = p
	for i, pg := range pf.Pages {
		body, err := fs.ReadFile(fsys, pg.File)
		if err != nil {
			return seed, fmt.Errorf("demo: page %s: %w", pg.Slug, err)
		}
		if pg.Locale != "" {
			var easy []byte
			if pg.EasyFile != "" {
				if easy, err = fs.ReadFile(fsys, pg.EasyFile); err != nil {
					return seed, fmt.Errorf("demo: page %s (%s): %w", pg.Slug, pg.Locale, err)
				}
			}
			seed.Pages = append(seed.Pages, model.Page{Slug: pg.Slug, Locale: pg.Locale, Title: pg.Title, BodyMD: string(body), EasyMD: string(easy), Position: pg.Position})
			continue
		}
		base := strings.TrimSuffix(pg.File, ".md")
		easy, _ := fs.ReadFile(fsys, base+".easy.md")
		de := model.Page{Slug: pg.Slug, Locale: "de", Title: pg.Title, BodyMD: string(body), EasyMD: string(easy), Position: pg.Position}
		seed.Pages = append(seed.Pages, de)
		others, err := translatedPages(fsys, entries.Pages[i], de, base)
		if err != nil {
			return seed, err
		}
		seed.Pages = append(seed.Pages, others...)
	}
	if raw, err := fs.ReadFile(fsys, "places.json"); err == nil {
		var places []store.Place
		if err := json.Unmarshal(raw, &places); err != nil {
			return seed, fmt.Errorf("demo: places.json: %w", err)
		}
		seed.Places = places
	}
	for i, a := range pf.Appointments {
		day := days(now, a.StartsDays).In(berlin())
		hh, mm := 18, 0
		fmt.Sscanf(a.StartTime, "%d:%d", &hh, &mm)
		start := time.Date(day.Year(), day.Month(), day.Day(), hh, mm, 0, 0, berlin())
		end := start.Add(time.Duration(a.DurationMinutes) * time.Minute)
		if a.StartsAt != nil && a.EndsAt != nil {
			start, end = *a.StartsAt, *a.EndsAt
		}
		texts, err := partTexts(entries.Appointments[i], fmt.Sprintf("appointment %d", i+1), "title", "description")
		if err != nil {
			return seed, err
		}
		ap := model.Appointment{Title: a.Title, Description: a.Description, StartsAt: start.UTC(), EndsAt: end.UTC(), Address: a.Address, Texts: texts}
		if !a.NoPlace {
			ap.Location = &orb.Point{a.Lon, a.Lat}
		}
		seed.Appointments = append(seed.Appointments, ap)
	}
	for i, c := range pf.Conceptions {
		texts, err := partTexts(entries.Conceptions[i], "variant "+c.Key, "title", "body_md", "image_alt")
		if err != nil {
			return seed, err
		}
		seed.Conceptions = append(seed.Conceptions, model.Conception{Key: c.Key, Title: c.Title, BodyMD: c.BodyMD, Image: c.Image, ImageAlt: c.ImageAlt, Texts: texts})
	}
	if seed.Files, err = readFiles(fsys, pf.Files); err != nil {
		return seed, err
	}
	return seed, nil
}

func berlin() *time.Location {
	if loc, err := time.LoadLocation("Europe/Berlin"); err == nil {
		return loc
	}
	return time.FixedZone("CET", 3600)
}

// Load stores the demo procedure from fsys with its sample contributions,
// comments, ratings and responses. It returns the procedure's slug.
func Load(ctx context.Context, st *store.Store, fsys fs.FS, now time.Time) (string, error) {
	seed, err := ReadProcedure(fsys, now)
	if err != nil {
		return "", err
	}
	id, err := st.CreateProcedure(ctx, seed)
	if err != nil {
		return "", err
	}
	raw, err := fs.ReadFile(fsys, "contributions.geojson")
	if err != nil {
		return seed.Procedure.Slug, nil // a procedure without samples
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		return "", fmt.Errorf("demo: contributions.geojson: %w", err)
	}
	for i, f := range fc.Features {
		b, _ := json.Marshal(f.Properties)
		var pr demoProps
		if err := json.Unmarshal(b, &pr); err != nil {
			return "", fmt.Errorf("demo: contribution %d: %w", i, err)
		}
		created := days(now, -pr.CreatedDaysAgo)
		status := model.ContributionStatus(pr.Status)
		if status == "" {
			status = model.Published
		}
		origin := pr.Origin
		if origin == "" {
			origin = "online"
		}
		c := &model.Contribution{ID: uuid.NewString(), ProcedureID: id, Category: pr.Category, Type: pr.Type,
			Title: pr.Title, Text: pr.Text, Geometry: f.Geometry, AuthorName: pr.AuthorName, Origin: origin,
			Status: status, CreatedAt: created, UpdatedAt: created}
		if err := st.InsertContribution(ctx, c, nil, ""); err != nil {
			return "", fmt.Errorf("demo: contribution %d: %w", i, err)
		}
		if pr.Ratings.Up+pr.Ratings.Down > 0 {
			if err := st.SeedRatings(ctx, c.ID, pr.Ratings.Up, pr.Ratings.Down); err != nil {
				return "", err
			}
		}
		for _, cm := range pr.Comments {
			m := &model.Comment{ContributionID: c.ID, Text: cm.Text, AuthorName: cm.AuthorName, CreatedAt: days(now, -cm.DaysAgo)}
			if err := st.AddComment(ctx, m); err != nil {
				return "", fmt.Errorf("demo: comment: %w", err)
			}
			for _, r := range cm.Replies {
				rm := &model.Comment{ContributionID: c.ID, ParentID: m.ID, Text: r.Text, AuthorName: r.AuthorName, CreatedAt: days(now, -r.DaysAgo)}
				if err := st.AddComment(ctx, rm); err != nil {
					return "", fmt.Errorf("demo: reply: %w", err)
				}
			}
		}
		if pr.ResponseMD != "" {
			r := &model.Response{TextMD: pr.ResponseMD, Author: "Bezirksamt – Fachamt Stadt- und Landschaftsplanung", CreatedAt: days(now, -pr.CreatedDaysAgo/2)}
			if err := st.AddResponse(ctx, c.ID, r, 0); err != nil {
				return "", err
			}
		}
	}
	return seed.Procedure.Slug, nil
}
