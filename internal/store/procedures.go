package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/mitreden/mitreden/internal/model"
)

// Place is a named location of a procedure, for finding a spot without a map.
type Place struct {
	Name string
	Kind string
	Lon  float64
	Lat  float64
}

// ProcedureSeed is everything a new procedure starts with.
type ProcedureSeed struct {
	Procedure    model.Procedure
	Pages        []model.Page
	Places       []Place
	Appointments []model.Appointment
	Conceptions  []model.Conception
	// Files are attached files (see SeedFile).
	Files []SeedFile
	// Members are the accounts made members of the new procedure (its
	// author, so that a planner scoped to procedures keeps what they make).
	Members []int64
}

// CreateProcedure stores a procedure with its phases, categories, types,
// pages, places, appointments and conceptions, and returns its id.
func (s *Store) CreateProcedure(ctx context.Context, seed ProcedureSeed) (int64, error) {
	p := seed.Procedure
	var id int64
	err := s.Write(ctx, func(tx *sql.Tx) error {
		now := time.Now()
		var area any
		if p.Area != nil {
			b, err := geojson.NewGeometry(p.Area).MarshalJSON()
			if err != nil {
				return err
			}
			area = string(b)
		}
		mapJSON, _ := json.Marshal(p.Map)
		settings, _ := json.Marshal(p.Settings)
		i18n, _ := json.Marshal(p.Translations)
		res, err := tx.Exec(`INSERT INTO procedures(slug, title, summary_md, intro_md, intro_easy_md, i18n_json, theme, area, map_json, settings_json, status, created_at, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			p.Slug, p.Title, p.SummaryMD, p.IntroMD, p.IntroEasyMD, string(i18n), p.Theme, area, string(mapJSON), string(settings), p.State(), ms(now), ms(now))
		if isUnique(err) {
			return fmt.Errorf("%w: procedure %q", ErrConflict, p.Slug)
		}
		if err != nil {
			return fmt.Errorf("store: unable to create procedure: %w", err)
		}
		id, _ = res.LastInsertId()
		for _, uid := range seed.Members {
			if err := addMembersTx(tx, uid, []int64{id}); err != nil {
				return err
			}
		}
		relink, err := insertSeedFiles(tx, id, p.Slug, seed.Files)
		if err != nil {
			return err
		}
		if len(seed.Files) > 0 {
			if err := relinkProcedure(tx, id, p, relink); err != nil {
				return fmt.Errorf("store: unable to link files: %w", err)
			}
		}
		for _, ph := range p.Phases {
			if _, err := tx.Exec(`INSERT INTO phases(procedure_id, kind, title, starts_at, ends_at, texts_json) VALUES (?,?,?,?,?,?)`,
				id, ph.Kind, ph.Title, ms(ph.StartsAt), ms(ph.EndsAt), textsJSON(ph.Texts)); err != nil {
				return fmt.Errorf("store: unable to create phase: %w", err)
			}
		}
		for i, c := range p.Categories {
			labels, _ := json.Marshal(c.Label)
			if _, err := tx.Exec(`INSERT INTO categories(procedure_id, key, labels_json, colour, icon, position) VALUES (?,?,?,?,?,?)`,
				id, c.Key, string(labels), c.Colour, c.Icon, i); err != nil {
				return fmt.Errorf("store: unable to create category %q: %w", c.Key, err)
			}
		}
		for i, t := range p.Types {
			labels, _ := json.Marshal(t.Label)
			if _, err := tx.Exec(`INSERT INTO types(procedure_id, key, labels_json, position) VALUES (?,?,?,?)`,
				id, t.Key, string(labels), i); err != nil {
				return fmt.Errorf("store: unable to create type %q: %w", t.Key, err)
			}
		}
		for _, pg := range seed.Pages {
			if _, err := tx.Exec(`INSERT INTO pages(procedure_id, slug, locale, title, body_md, easy_md, position, updated_at) VALUES (?,?,?,?,?,?,?,?)`,
				id, pg.Slug, pg.Locale, pg.Title, relink(pg.BodyMD), relink(pg.EasyMD), pg.Position, ms(now)); err != nil {
				return fmt.Errorf("store: unable to create page %q: %w", pg.Slug, err)
			}
		}
		for _, pl := range seed.Places {
			if _, err := tx.Exec(`INSERT INTO places(procedure_id, name, kind, lon, lat) VALUES (?,?,?,?,?)`,
				id, pl.Name, pl.Kind, pl.Lon, pl.Lat); err != nil {
				return fmt.Errorf("store: unable to create place: %w", err)
			}
		}
		for _, a := range seed.Appointments {
			var lon, lat any
			if a.Location != nil {
				lon, lat = a.Location.Lon(), a.Location.Lat()
			}
			if _, err := tx.Exec(`INSERT INTO appointments(procedure_id, title, description, starts_at, ends_at, address, lon, lat, texts_json) VALUES (?,?,?,?,?,?,?,?,?)`,
				id, a.Title, relink(a.Description), ms(a.StartsAt), ms(a.EndsAt), a.Address, lon, lat, textsJSON(relinkTexts(a.Texts, relink))); err != nil {
				return fmt.Errorf("store: unable to create appointment: %w", err)
			}
		}
		for i, c := range seed.Conceptions {
			if _, err := tx.Exec(`INSERT INTO conceptions(procedure_id, key, title, body_md, image, image_alt, position, texts_json) VALUES (?,?,?,?,?,?,?,?)`,
				id, c.Key, c.Title, relink(c.BodyMD), relink(c.Image), c.ImageAlt, i, textsJSON(relinkTexts(c.Texts, relink))); err != nil {
				return fmt.Errorf("store: unable to create conception: %w", err)
			}
		}
		return nil
	})
	return id, err
}

const procedureCols = `id, slug, title, summary_md, intro_md, intro_easy_md, i18n_json, theme, area, map_json, settings_json, status, version, geo_version, created_at, updated_at`

func scanProcedure(row interface{ Scan(...any) error }) (*model.Procedure, error) {
	var p model.Procedure
	var area sql.NullString
	var i18n, mapJSON, settings string
	var created, updated int64
	if err := row.Scan(&p.ID, &p.Slug, &p.Title, &p.SummaryMD, &p.IntroMD, &p.IntroEasyMD, &i18n, &p.Theme, &area,
		&mapJSON, &settings, &p.Lifecycle, &p.Version, &p.GeoVersion, &created, &updated); err != nil {
		return nil, err
	}
	p.CreatedAt, p.UpdatedAt = fromMS(created), fromMS(updated)
	if area.Valid {
		g, err := geojson.UnmarshalGeometry([]byte(area.String))
		if err == nil {
			if poly, ok := g.Geometry().(orb.Polygon); ok {
				p.Area = poly
			}
		}
	}
	_ = json.Unmarshal([]byte(i18n), &p.Translations)
	_ = json.Unmarshal([]byte(mapJSON), &p.Map)
	p.Settings = model.DefaultSettings()
	_ = json.Unmarshal([]byte(settings), &p.Settings)
	return &p, nil
}

// ProcedureBySlug returns a procedure with its phases, categories and types.
func (s *Store) ProcedureBySlug(ctx context.Context, slug string) (*model.Procedure, error) {
	p, err := scanProcedure(s.read.QueryRowContext(ctx, `SELECT `+procedureCols+` FROM procedures WHERE slug = ?`, slug))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch procedure: %w", err)
	}
	return p, s.loadProcedureParts(ctx, p)
}

// ProcedureByID returns a procedure with its phases, categories and types.
func (s *Store) ProcedureByID(ctx context.Context, id int64) (*model.Procedure, error) {
	p, err := scanProcedure(s.read.QueryRowContext(ctx, `SELECT `+procedureCols+` FROM procedures WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch procedure: %w", err)
	}
	return p, s.loadProcedureParts(ctx, p)
}

// Procedures lists all procedures with phases, categories and types, newest first.
func (s *Store) Procedures(ctx context.Context) ([]*model.Procedure, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+procedureCols+` FROM procedures ORDER BY created_at DESC, id DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list procedures: %w", err)
	}
	var out []*model.Procedure
	for rows.Next() {
		p, err := scanProcedure(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: unable to list procedures: %w", err)
		}
		out = append(out, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, p := range out {
		if err := s.loadProcedureParts(ctx, p); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *Store) loadProcedureParts(ctx context.Context, p *model.Procedure) error {
	rows, err := s.read.QueryContext(ctx, `SELECT id, kind, title, starts_at, ends_at, texts_json FROM phases WHERE procedure_id = ? ORDER BY starts_at`, p.ID)
	if err != nil {
		return fmt.Errorf("store: unable to fetch phases: %w", err)
	}
	p.Phases = nil
	for rows.Next() {
		var ph model.Phase
		var st, en int64
		var texts string
		if err := rows.Scan(&ph.ID, &ph.Kind, &ph.Title, &st, &en, &texts); err != nil {
			rows.Close()
			return err
		}
		ph.StartsAt, ph.EndsAt, ph.Texts = fromMS(st), fromMS(en), scanTexts(texts)
		p.Phases = append(p.Phases, ph)
	}
	rows.Close()
	rows, err = s.read.QueryContext(ctx, `SELECT key, labels_json, colour, icon FROM categories WHERE procedure_id = ? ORDER BY position`, p.ID)
	if err != nil {
		return fmt.Errorf("store: unable to fetch categories: %w", err)
	}
	p.Categories = nil
	for rows.Next() {
		var c model.Category
		var labels string
		if err := rows.Scan(&c.Key, &labels, &c.Colour, &c.Icon); err != nil {
			rows.Close()
			return err
		}
		_ = json.Unmarshal([]byte(labels), &c.Label)
		p.Categories = append(p.Categories, c)
	}
	rows.Close()
	rows, err = s.read.QueryContext(ctx, `SELECT key, labels_json FROM types WHERE procedure_id = ? ORDER BY position`, p.ID)
	if err != nil {
		return fmt.Errorf("store: unable to fetch types: %w", err)
	}
	defer rows.Close()
	p.Types = nil
	for rows.Next() {
		var t model.Type
		var labels string
		if err := rows.Scan(&t.Key, &labels); err != nil {
			return err
		}
		_ = json.Unmarshal([]byte(labels), &t.Label)
		p.Types = append(p.Types, t)
	}
	return rows.Err()
}

// CountProcedures returns how many procedures exist.
func (s *Store) CountProcedures(ctx context.Context) (int, error) {
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM procedures`).Scan(&n)
	return n, err
}

// UpdateProcedureSettings stores a procedure's switches, bumps its version
// (pages, answers and the procedure itself are cached per version) and
// audits the change in the same transaction.
func (s *Store) UpdateProcedureSettings(ctx context.Context, procedureID int64, settings model.Settings, a Audited) error {
	b, err := json.Marshal(settings)
	if err != nil {
		return err
	}
	return s.Write(ctx, func(tx *sql.Tx) error {
		var before string
		if err := tx.QueryRow(`SELECT settings_json FROM procedures WHERE id = ?`, procedureID).Scan(&before); errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE procedures SET settings_json = ?, version = version + 1, updated_at = ? WHERE id = ?`,
			string(b), ms(time.Now()), procedureID); err != nil {
			return fmt.Errorf("store: unable to update settings: %w", err)
		}
		return auditTx(tx, a, fmt.Sprintf("procedure:%d", procedureID), json.RawMessage(before), settings)
	})
}
