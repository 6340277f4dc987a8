package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/paulmach/orb/geojson"

	"github.com/mitreden/mitreden/internal/model"
)

// ProcedurePart names the part of a procedure an authoring step rewrites.
type ProcedurePart string

// The parts UpdateProcedure writes.
const (
	PartTexts      ProcedurePart = "texts"      // title, summary, intro (German, easy) and translations
	PartPhases     ProcedurePart = "phases"     // the phases, replaced as a whole
	PartCategories ProcedurePart = "categories" // the categories in order, replaced as a whole
	PartTypes      ProcedurePart = "types"      // the contribution types in order, replaced as a whole
	PartArea       ProcedurePart = "area"       // the planning area
	PartMap        ProcedurePart = "map"        // start view and the settings that carry the plan layers
)

// UpdateProcedure writes one part of p, bumps the procedure's version (so
// that cached pages and answers follow) and audits the change, all in one
// transaction.
func (s *Store) UpdateProcedure(ctx context.Context, p *model.Procedure, part ProcedurePart, a Audited) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		var after any
		switch part {
		case PartTexts:
			i18n, _ := json.Marshal(p.Translations)
			if _, err := tx.Exec(`UPDATE procedures SET title = ?, summary_md = ?, intro_md = ?, intro_easy_md = ?, i18n_json = ? WHERE id = ?`,
				p.Title, p.SummaryMD, p.IntroMD, p.IntroEasyMD, string(i18n), p.ID); err != nil {
				return fmt.Errorf("store: unable to update texts: %w", err)
			}
			after = map[string]int{"title": len(p.Title), "summary": len(p.SummaryMD), "intro": len(p.IntroMD), "intro_easy": len(p.IntroEasyMD)}
		case PartArea:
			var area any
			if p.Area != nil {
				b, err := geojson.NewGeometry(p.Area).MarshalJSON()
				if err != nil {
					return err
				}
				area = string(b)
			}
			if _, err := tx.Exec(`UPDATE procedures SET area = ? WHERE id = ?`, area, p.ID); err != nil {
				return fmt.Errorf("store: unable to update area: %w", err)
			}
			after = area
		case PartMap:
			mapJSON, _ := json.Marshal(p.Map)
			settings, _ := json.Marshal(p.Settings)
			if _, err := tx.Exec(`UPDATE procedures SET map_json = ?, settings_json = ? WHERE id = ?`, string(mapJSON), string(settings), p.ID); err != nil {
				return fmt.Errorf("store: unable to update map: %w", err)
			}
			after = p.Map
		case PartPhases:
			if _, err := tx.Exec(`DELETE FROM phases WHERE procedure_id = ?`, p.ID); err != nil {
				return err
			}
			for _, ph := range p.Phases {
				if _, err := tx.Exec(`INSERT INTO phases(procedure_id, kind, title, starts_at, ends_at, texts_json) VALUES (?,?,?,?,?,?)`,
					p.ID, ph.Kind, ph.Title, ms(ph.StartsAt), ms(ph.EndsAt), textsJSON(ph.Texts)); err != nil {
					return fmt.Errorf("store: unable to write phase: %w", err)
				}
			}
			after = len(p.Phases)
		case PartCategories:
			if _, err := tx.Exec(`DELETE FROM categories WHERE procedure_id = ?`, p.ID); err != nil {
				return err
			}
			for i, c := range p.Categories {
				labels, _ := json.Marshal(c.Label)
				if _, err := tx.Exec(`INSERT INTO categories(procedure_id, key, labels_json, colour, icon, position) VALUES (?,?,?,?,?,?)`,
					p.ID, c.Key, string(labels), c.Colour, c.Icon, i); err != nil {
					return fmt.Errorf("store: unable to write category %q: %w", c.Key, err)
				}
			}
			after = len(p.Categories)
		case PartTypes:
			if _, err := tx.Exec(`DELETE FROM types WHERE procedure_id = ?`, p.ID); err != nil {
				return err
			}
			for i, t := range p.Types {
				labels, _ := json.Marshal(t.Label)
				if _, err := tx.Exec(`INSERT INTO types(procedure_id, key, labels_json, position) VALUES (?,?,?,?)`,
					p.ID, t.Key, string(labels), i); err != nil {
					return fmt.Errorf("store: unable to write type %q: %w", t.Key, err)
				}
			}
			after = len(p.Types)
		default:
			return fmt.Errorf("store: unknown procedure part %q", part)
		}
		return touch(tx, p.ID, a, "procedure:"+p.Slug+"/"+string(part), after)
	})
}

// touch audits an authoring change and moves the procedure's version on.
func touch(tx *sql.Tx, procedureID int64, a Audited, subject string, after any) error {
	if _, err := tx.Exec(`UPDATE procedures SET version = version + 1, updated_at = ? WHERE id = ?`, ms(time.Now()), procedureID); err != nil {
		return fmt.Errorf("store: unable to bump version: %w", err)
	}
	return auditTx(tx, a, subject, nil, after)
}

// AddPage creates a new content page (its German version) after the last
// one; ErrConflict when the slug is taken.
func (s *Store) AddPage(ctx context.Context, procedureID int64, pg model.Page, a Audited) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		var pos int
		if err := tx.QueryRow(`SELECT COALESCE(MAX(position), 0) + 1 FROM pages WHERE procedure_id = ?`, procedureID).Scan(&pos); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO pages(procedure_id, slug, locale, title, body_md, easy_md, position, updated_at) VALUES (?,?,?,?,?,?,?,?)`,
			procedureID, pg.Slug, "de", pg.Title, pg.BodyMD, pg.EasyMD, pos, ms(time.Now()))
		if isUnique(err) {
			return fmt.Errorf("%w: page %q", ErrConflict, pg.Slug)
		}
		if err != nil {
			return fmt.Errorf("store: unable to add page: %w", err)
		}
		return touch(tx, procedureID, a, fmt.Sprintf("page:%d/%s", procedureID, pg.Slug), pg.Title)
	})
}

// DeletePage removes a content page in every locale with its attachments.
func (s *Store) DeletePage(ctx context.Context, procedureID int64, slug string, a Audited) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`DELETE FROM pages WHERE procedure_id = ? AND slug = ?`, procedureID, slug)
		if err != nil {
			return fmt.Errorf("store: unable to delete page: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if _, err := tx.Exec(`DELETE FROM attachments WHERE procedure_id = ? AND page_slug = ?`, procedureID, slug); err != nil {
			return err
		}
		return touch(tx, procedureID, a, fmt.Sprintf("page:%d/%s", procedureID, slug), nil)
	})
}

// MovePage moves a content page one place up (by -1) or down (by 1) and
// numbers all pages anew.
func (s *Store) MovePage(ctx context.Context, procedureID int64, slug string, by int, a Audited) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		rows, err := tx.Query(`SELECT slug FROM pages WHERE procedure_id = ? GROUP BY slug ORDER BY MIN(position), slug`, procedureID)
		if err != nil {
			return err
		}
		var slugs []string
		at := -1
		for rows.Next() {
			var sl string
			if err := rows.Scan(&sl); err != nil {
				rows.Close()
				return err
			}
			if sl == slug {
				at = len(slugs)
			}
			slugs = append(slugs, sl)
		}
		rows.Close()
		if at < 0 {
			return ErrNotFound
		}
		if to := at + by; to >= 0 && to < len(slugs) {
			slugs[at], slugs[to] = slugs[to], slugs[at]
		}
		for i, sl := range slugs {
			if _, err := tx.Exec(`UPDATE pages SET position = ? WHERE procedure_id = ? AND slug = ?`, i+1, procedureID, sl); err != nil {
				return err
			}
		}
		return touch(tx, procedureID, a, fmt.Sprintf("page:%d/%s", procedureID, slug), map[string]int{"by": by})
	})
}

// AddAppointment adds an appointment to a procedure.
func (s *Store) AddAppointment(ctx context.Context, procedureID int64, ap model.Appointment, a Audited) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		var lon, lat any
		if ap.Location != nil {
			lon, lat = ap.Location.Lon(), ap.Location.Lat()
		}
		if _, err := tx.Exec(`INSERT INTO appointments(procedure_id, title, description, starts_at, ends_at, address, lon, lat, texts_json) VALUES (?,?,?,?,?,?,?,?,?)`,
			procedureID, ap.Title, ap.Description, ms(ap.StartsAt), ms(ap.EndsAt), ap.Address, lon, lat, textsJSON(ap.Texts)); err != nil {
			return fmt.Errorf("store: unable to add appointment: %w", err)
		}
		return touch(tx, procedureID, a, fmt.Sprintf("appointment:%d", procedureID), ap.Title)
	})
}

// DeleteAppointment removes one appointment of a procedure.
func (s *Store) DeleteAppointment(ctx context.Context, procedureID, id int64, a Audited) error {
	return s.deleteOne(ctx, procedureID, `DELETE FROM appointments WHERE procedure_id = ? AND id = ?`, id, a, fmt.Sprintf("appointment:%d", id))
}

func (s *Store) deleteOne(ctx context.Context, procedureID int64, query string, arg any, a Audited, subject string) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(query, procedureID, arg)
		if err != nil {
			return fmt.Errorf("store: unable to delete: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return touch(tx, procedureID, a, subject, nil)
	})
}

// SaveConception adds a plan variant or, when its key exists, rewrites
// its texts (and its image, when c.Image is set).
func (s *Store) SaveConception(ctx context.Context, procedureID int64, c model.Conception, a Audited) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRow(`SELECT id FROM conceptions WHERE procedure_id = ? AND key = ?`, procedureID, c.Key).Scan(&id)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			var pos int
			if err := tx.QueryRow(`SELECT COALESCE(MAX(position), -1) + 1 FROM conceptions WHERE procedure_id = ?`, procedureID).Scan(&pos); err != nil {
				return err
			}
			if _, err := tx.Exec(`INSERT INTO conceptions(procedure_id, key, title, body_md, image, image_alt, position, texts_json) VALUES (?,?,?,?,?,?,?,?)`,
				procedureID, c.Key, c.Title, c.BodyMD, c.Image, c.ImageAlt, pos, textsJSON(c.Texts)); err != nil {
				return fmt.Errorf("store: unable to add conception: %w", err)
			}
		case err != nil:
			return err
		default:
			if _, err := tx.Exec(`UPDATE conceptions SET title = ?, body_md = ?, image_alt = ?, image = CASE WHEN ? = '' THEN image ELSE ? END, texts_json = ? WHERE id = ?`,
				c.Title, c.BodyMD, c.ImageAlt, c.Image, c.Image, textsJSON(c.Texts), id); err != nil {
				return fmt.Errorf("store: unable to save conception: %w", err)
			}
		}
		return touch(tx, procedureID, a, fmt.Sprintf("conception:%d/%s", procedureID, c.Key), c.Title)
	})
}

// DeleteConception removes a plan variant with its ratings, comments and image.
func (s *Store) DeleteConception(ctx context.Context, procedureID int64, key string, a Audited) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`DELETE FROM conceptions WHERE procedure_id = ? AND key = ?`, procedureID, key)
		if err != nil {
			return fmt.Errorf("store: unable to delete conception: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		if _, err := tx.Exec(`DELETE FROM attachments WHERE procedure_id = ? AND conception_key = ?`, procedureID, key); err != nil {
			return err
		}
		return touch(tx, procedureID, a, fmt.Sprintf("conception:%d/%s", procedureID, key), nil)
	})
}

// CategoriesInUse counts a procedure's contributions (in any status) per
// category key.
func (s *Store) CategoriesInUse(ctx context.Context, procedureID int64) (map[string]int, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT category, COUNT(*) FROM contributions WHERE procedure_id = ? GROUP BY category`, procedureID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to count categories: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}
