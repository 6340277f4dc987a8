package demo

import (
	"archive/zip"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"time"

	"github.com/paulmach/orb/geojson"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// fileEntry is an attached file in a procedure folder: its bytes lie in
// File; ID is its id where it was exported (links to it in the texts are
// rewritten to the new one).
type fileEntry struct {
	ID          int64     `json:"id,omitempty"`
	File        string    `json:"file"`
	Title       string    `json:"title"`
	Filename    string    `json:"filename"`
	ContentType string    `json:"content_type"`
	Page        string    `json:"page,omitempty"`
	Conception  string    `json:"conception,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

func readFiles(fsys fs.FS, in []fileEntry) ([]store.SeedFile, error) {
	var out []store.SeedFile
	for i, f := range in {
		data, err := fs.ReadFile(fsys, f.File)
		if err != nil {
			return nil, fmt.Errorf("demo: file %d: %w", i+1, err)
		}
		if f.Filename == "" || f.ContentType == "" {
			return nil, fmt.Errorf("demo: file %d: filename and content_type are required", i+1)
		}
		out = append(out, store.SeedFile{Data: data, Attachment: model.Attachment{ID: f.ID, PageSlug: f.Page, ConceptionKey: f.Conception,
			Title: f.Title, Filename: f.Filename, ContentType: f.ContentType, CreatedAt: f.CreatedAt}})
	}
	return out, nil
}

// Reader is what ExportProcedure reads a procedure from.
type Reader interface {
	AllPages(ctx context.Context, procedureID int64) ([]model.Page, error)
	Places(ctx context.Context, procedureID int64) ([]store.Place, error)
	Appointments(ctx context.Context, procedureID int64) ([]model.Appointment, error)
	Conceptions(ctx context.Context, procedureID int64) ([]model.Conception, error)
	AttachmentsWithData(ctx context.Context, procedureID int64) ([]store.SeedFile, error)
}

// ExportProcedure collects procedure p with everything that defines it —
// pages in every locale, places, appointments, plan variants and files —
// but none of its contributions.
func ExportProcedure(ctx context.Context, st Reader, p *model.Procedure) (store.ProcedureSeed, error) {
	seed := store.ProcedureSeed{Procedure: *p}
	var err error
	if seed.Pages, err = st.AllPages(ctx, p.ID); err != nil {
		return seed, err
	}
	if seed.Places, err = st.Places(ctx, p.ID); err != nil {
		return seed, err
	}
	if seed.Appointments, err = st.Appointments(ctx, p.ID); err != nil {
		return seed, err
	}
	if seed.Conceptions, err = st.Conceptions(ctx, p.ID); err != nil {
		return seed, err
	}
	seed.Files, err = st.AttachmentsWithData(ctx, p.ID)
	return seed, err
}

// Folder receives the files of a procedure folder.
type Folder interface {
	WriteFile(name string, data []byte) error
}

// DirFolder writes into a directory (created when missing).
type DirFolder string

// WriteFile writes name (slash-separated) below the directory.
func (d DirFolder) WriteFile(name string, data []byte) error {
	p := filepath.Join(string(d), filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, data, 0o644)
}

// ZipFolder writes into a zip archive.
type ZipFolder struct{ W *zip.Writer }

// WriteFile adds name to the archive.
func (z ZipFolder) WriteFile(name string, data []byte) error {
	w, err := z.W.Create(name)
	if err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// WriteProcedure writes seed as a procedure folder that ReadProcedure (and
// so `mitreden procedure add`) reads back without loss: procedure.json with
// absolute dates, every locale's texts and pages, places.json, and the
// attached files under files/.
func WriteProcedure(out Folder, seed store.ProcedureSeed) error {
	p := seed.Procedure
	pf := map[string]any{"slug": p.Slug, "title": p.Title, "summary_md": p.SummaryMD, "intro_md": p.IntroMD,
		"intro_md_easy": p.IntroEasyMD, "translations": p.Translations, "theme": p.Theme, "status": p.State(),
		"map": p.Map, "settings": p.Settings}
	if p.Area != nil {
		pf["area"] = geojson.NewGeometry(p.Area)
	}
	phases := []map[string]any{}
	for _, ph := range p.Phases {
		phases = append(phases, withTexts(map[string]any{"kind": ph.Kind, "title": ph.Title, "starts_at": ph.StartsAt.UTC(), "ends_at": ph.EndsAt.UTC()}, ph.Texts))
	}
	pf["phases"] = phases
	cats, types := []labelled{}, []labelled{}
	for _, c := range p.Categories {
		cats = append(cats, labelled{Key: c.Key, Label: c.Label, Colour: c.Colour, Icon: c.Icon})
	}
	for _, t := range p.Types {
		types = append(types, labelled{Key: t.Key, Label: t.Label})
	}
	pf["categories"], pf["types"] = cats, types
	pages := []map[string]any{}
	for _, pg := range seed.Pages {
		base := "pages/" + pg.Slug + "." + pg.Locale
		e := map[string]any{"slug": pg.Slug, "locale": pg.Locale, "title": pg.Title, "file": base + ".md", "position": pg.Position}
		if err := out.WriteFile(base+".md", []byte(pg.BodyMD)); err != nil {
			return err
		}
		if pg.EasyMD != "" {
			e["easy_file"] = base + ".easy.md"
			if err := out.WriteFile(base+".easy.md", []byte(pg.EasyMD)); err != nil {
				return err
			}
		}
		pages = append(pages, e)
	}
	pf["pages"] = pages
	appts := []map[string]any{}
	for _, a := range seed.Appointments {
		e := map[string]any{"title": a.Title, "description": a.Description, "address": a.Address,
			"starts_at": a.StartsAt.UTC(), "ends_at": a.EndsAt.UTC()}
		if a.Location != nil {
			e["lon"], e["lat"] = a.Location.Lon(), a.Location.Lat()
		} else {
			e["no_place"] = true
		}
		appts = append(appts, withTexts(e, a.Texts))
	}
	pf["appointments"] = appts
	concs := []map[string]any{}
	for _, c := range seed.Conceptions {
		concs = append(concs, withTexts(map[string]any{"key": c.Key, "title": c.Title, "body_md": c.BodyMD, "image": c.Image, "image_alt": c.ImageAlt}, c.Texts))
	}
	pf["conceptions"] = concs
	files := []fileEntry{}
	for _, f := range seed.Files {
		a := f.Attachment
		name := "files/" + strconv.FormatInt(a.ID, 10) + "-" + path.Base(a.Filename)
		if err := out.WriteFile(name, f.Data); err != nil {
			return err
		}
		files = append(files, fileEntry{ID: a.ID, File: name, Title: a.Title, Filename: a.Filename, ContentType: a.ContentType,
			Page: a.PageSlug, Conception: a.ConceptionKey, CreatedAt: a.CreatedAt.UTC()})
	}
	pf["files"] = files
	type place struct {
		Name string  `json:"name"`
		Kind string  `json:"kind"`
		Lon  float64 `json:"lon"`
		Lat  float64 `json:"lat"`
	}
	places := []place{}
	for _, pl := range seed.Places {
		places = append(places, place(pl))
	}
	b, err := json.MarshalIndent(places, "", "  ")
	if err != nil {
		return err
	}
	if err := out.WriteFile("places.json", b); err != nil {
		return err
	}
	if b, err = json.MarshalIndent(pf, "", "  "); err != nil {
		return err
	}
	return out.WriteFile("procedure.json", b)
}

// withTexts adds a part's translations to its entry as "<field>_<tag>"
// (title_tr, body_md_ar), the way ReadProcedure reads them.
func withTexts(e map[string]any, t model.Texts) map[string]any {
	for field, byLocale := range t {
		for tag, v := range byLocale {
			e[field+"_"+tag] = v
		}
	}
	return e
}
