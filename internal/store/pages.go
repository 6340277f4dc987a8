package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/model"
)

// Pages lists a procedure's pages in locale (falling back to German pages
// where a translation is missing), in order.
func (s *Store) Pages(ctx context.Context, procedureID int64, locale string) ([]model.Page, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, slug, locale, title, body_md, easy_md, position, updated_at FROM pages p
		WHERE procedure_id = ? AND (locale = ? OR (locale = 'de' AND NOT EXISTS (
			SELECT 1 FROM pages q WHERE q.procedure_id = p.procedure_id AND q.slug = p.slug AND q.locale = ?)))
		ORDER BY position, slug`, procedureID, locale, locale)
	return scanPages(rows, err)
}

// scanPages reads the rows of a query for pages (id, slug, locale, title,
// body_md, easy_md, position, updated_at).
func scanPages(rows *sql.Rows, err error) ([]model.Page, error) {
	if err != nil {
		return nil, fmt.Errorf("store: unable to list pages: %w", err)
	}
	defer rows.Close()
	var out []model.Page
	for rows.Next() {
		var pg model.Page
		var upd int64
		if err := rows.Scan(&pg.ID, &pg.Slug, &pg.Locale, &pg.Title, &pg.BodyMD, &pg.EasyMD, &pg.Position, &upd); err != nil {
			return nil, err
		}
		pg.UpdatedAt = fromMS(upd)
		out = append(out, pg)
	}
	return out, rows.Err()
}

// Page returns one page in locale, or its German original.
func (s *Store) Page(ctx context.Context, procedureID int64, slug, locale string) (model.Page, error) {
	var pg model.Page
	var upd int64
	err := s.read.QueryRowContext(ctx, `SELECT id, slug, locale, title, body_md, easy_md, position, updated_at FROM pages
		WHERE procedure_id = ? AND slug = ? AND locale IN (?, 'de') ORDER BY locale = ? DESC LIMIT 1`,
		procedureID, slug, locale, locale).Scan(&pg.ID, &pg.Slug, &pg.Locale, &pg.Title, &pg.BodyMD, &pg.EasyMD, &pg.Position, &upd)
	if errors.Is(err, sql.ErrNoRows) {
		return pg, ErrNotFound
	}
	if err != nil {
		return pg, fmt.Errorf("store: unable to fetch page: %w", err)
	}
	pg.UpdatedAt = fromMS(upd)
	return pg, nil
}

// Places lists a procedure's named places, alphabetically.
func (s *Store) Places(ctx context.Context, procedureID int64) ([]Place, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT name, kind, lon, lat FROM places WHERE procedure_id = ? ORDER BY name`, procedureID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list places: %w", err)
	}
	defer rows.Close()
	var out []Place
	for rows.Next() {
		var p Place
		if err := rows.Scan(&p.Name, &p.Kind, &p.Lon, &p.Lat); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Appointments lists a procedure's appointments by start.
func (s *Store) Appointments(ctx context.Context, procedureID int64) ([]model.Appointment, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, title, description, starts_at, ends_at, address, lon, lat, texts_json FROM appointments WHERE procedure_id = ? ORDER BY starts_at`, procedureID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list appointments: %w", err)
	}
	defer rows.Close()
	var out []model.Appointment
	for rows.Next() {
		var a model.Appointment
		var st, en int64
		var lon, lat sql.NullFloat64
		var texts string
		if err := rows.Scan(&a.ID, &a.Title, &a.Description, &st, &en, &a.Address, &lon, &lat, &texts); err != nil {
			return nil, err
		}
		a.StartsAt, a.EndsAt, a.Texts = fromMS(st), fromMS(en), scanTexts(texts)
		if lon.Valid && lat.Valid {
			pt := orb.Point{lon.Float64, lat.Float64}
			a.Location = &pt
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Conceptions lists a procedure's plan variants in order.
func (s *Store) Conceptions(ctx context.Context, procedureID int64) ([]model.Conception, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, key, title, body_md, image, image_alt, position, up, down, comments, texts_json
		FROM conceptions WHERE procedure_id = ? ORDER BY position`, procedureID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list conceptions: %w", err)
	}
	defer rows.Close()
	var out []model.Conception
	for rows.Next() {
		var c model.Conception
		var texts string
		if err := rows.Scan(&c.ID, &c.Key, &c.Title, &c.BodyMD, &c.Image, &c.ImageAlt, &c.Position, &c.Up, &c.Down, &c.Comments, &texts); err != nil {
			return nil, err
		}
		c.Texts = scanTexts(texts)
		out = append(out, c)
	}
	return out, rows.Err()
}

// SavePage writes a content page in one locale (creating it when missing,
// after the German original's position), bumps the procedure's version and
// audits the change in the same transaction.
func (s *Store) SavePage(ctx context.Context, procedureID int64, pg model.Page, a Audited) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		var before struct{ Title, Body, Easy string }
		err := tx.QueryRow(`SELECT title, body_md, easy_md FROM pages WHERE procedure_id = ? AND slug = ? AND locale = ?`,
			procedureID, pg.Slug, pg.Locale).Scan(&before.Title, &before.Body, &before.Easy)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			var pos int
			if err := tx.QueryRow(`SELECT COALESCE(MAX(position), 0) FROM pages WHERE procedure_id = ? AND slug = ?`, procedureID, pg.Slug).Scan(&pos); err != nil {
				return err
			}
			if _, err := tx.Exec(`INSERT INTO pages(procedure_id, slug, locale, title, body_md, easy_md, position, updated_at) VALUES (?,?,?,?,?,?,?,?)`,
				procedureID, pg.Slug, pg.Locale, pg.Title, pg.BodyMD, pg.EasyMD, pos, ms(time.Now())); err != nil {
				return fmt.Errorf("store: unable to add page: %w", err)
			}
		case err != nil:
			return err
		default:
			if _, err := tx.Exec(`UPDATE pages SET title = ?, body_md = ?, easy_md = ?, updated_at = ? WHERE procedure_id = ? AND slug = ? AND locale = ?`,
				pg.Title, pg.BodyMD, pg.EasyMD, ms(time.Now()), procedureID, pg.Slug, pg.Locale); err != nil {
				return fmt.Errorf("store: unable to save page: %w", err)
			}
		}
		if err := auditTx(tx, a, fmt.Sprintf("page:%d/%s/%s", procedureID, pg.Slug, pg.Locale),
			map[string]int{"title": len(before.Title), "body": len(before.Body), "easy": len(before.Easy)},
			map[string]int{"title": len(pg.Title), "body": len(pg.BodyMD), "easy": len(pg.EasyMD)}); err != nil {
			return err
		}
		return bumpVersion(tx, procedureID)
	})
}

// PageSlugs lists the slugs of a procedure's pages in order, each once.
func (s *Store) PageSlugs(ctx context.Context, procedureID int64) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT slug FROM pages WHERE procedure_id = ? GROUP BY slug ORDER BY MIN(position), slug`, procedureID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list pages: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
