package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mitreden/mitreden/internal/model"
)

// SetProcedureStatus moves a procedure to another lifecycle state, bumps
// its version (cached pages and answers follow) and audits the change in
// the same transaction.
func (s *Store) SetProcedureStatus(ctx context.Context, procedureID int64, status model.Lifecycle, a Audited) error {
	if !model.ValidLifecycle(status) {
		return fmt.Errorf("store: unknown lifecycle %q", status)
	}
	return s.Write(ctx, func(tx *sql.Tx) error {
		var before, slug string
		if err := tx.QueryRow(`SELECT status, slug FROM procedures WHERE id = ?`, procedureID).Scan(&before, &slug); errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE procedures SET status = ?, version = version + 1, updated_at = ? WHERE id = ?`,
			status, ms(time.Now()), procedureID); err != nil {
			return fmt.Errorf("store: unable to set procedure status: %w", err)
		}
		return auditTx(tx, a, "procedure:"+slug, map[string]string{"status": before}, map[string]string{"status": string(status)})
	})
}

// DuplicateProcedure copies a procedure as a template under a new slug
// and title: settings, map, area, theme, texts, phases, categories, types,
// pages, places, appointments, plan variants and the team — no
// contributions and nothing residents wrote. The copy starts as a draft.
// Audited; a slug in use is ErrConflict.
func (s *Store) DuplicateProcedure(ctx context.Context, fromID int64, slug, title string, a Audited) (int64, error) {
	var id int64
	err := s.Write(ctx, func(tx *sql.Tx) error {
		var from string
		if err := tx.QueryRow(`SELECT slug FROM procedures WHERE id = ?`, fromID).Scan(&from); errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		now := ms(time.Now())
		res, err := tx.Exec(`INSERT INTO procedures(slug, title, summary_md, intro_md, intro_easy_md, i18n_json, theme, area, map_json, settings_json, status, created_at, updated_at)
			SELECT ?, ?, summary_md, intro_md, intro_easy_md, i18n_json, theme, area, map_json, settings_json, 'draft', ?, ? FROM procedures WHERE id = ?`,
			slug, title, now, now, fromID)
		if isUnique(err) {
			return fmt.Errorf("%w: procedure %q", ErrConflict, slug)
		}
		if err != nil {
			return fmt.Errorf("store: unable to duplicate procedure: %w", err)
		}
		id, _ = res.LastInsertId()
		for _, q := range []string{
			`INSERT INTO phases(procedure_id, kind, title, starts_at, ends_at, texts_json) SELECT ?1, kind, title, starts_at, ends_at, texts_json FROM phases WHERE procedure_id = ?2 ORDER BY id`,
			`INSERT INTO pages(procedure_id, slug, locale, title, body_md, easy_md, position, updated_at) SELECT ?1, slug, locale, title, body_md, easy_md, position, ?3 FROM pages WHERE procedure_id = ?2 ORDER BY id`,
			`INSERT INTO categories(procedure_id, key, labels_json, colour, icon, position) SELECT ?1, key, labels_json, colour, icon, position FROM categories WHERE procedure_id = ?2`,
			`INSERT INTO types(procedure_id, key, labels_json, position) SELECT ?1, key, labels_json, position FROM types WHERE procedure_id = ?2`,
			`INSERT INTO places(procedure_id, name, kind, lon, lat) SELECT ?1, name, kind, lon, lat FROM places WHERE procedure_id = ?2 ORDER BY id`,
			`INSERT INTO appointments(procedure_id, title, description, starts_at, ends_at, address, lon, lat, texts_json) SELECT ?1, title, description, starts_at, ends_at, address, lon, lat, texts_json FROM appointments WHERE procedure_id = ?2 ORDER BY id`,
			`INSERT INTO conceptions(procedure_id, key, title, body_md, image, image_alt, position, texts_json) SELECT ?1, key, title, body_md, image, image_alt, position, texts_json FROM conceptions WHERE procedure_id = ?2 ORDER BY id`,
			`INSERT INTO procedure_members(user_id, procedure_id) SELECT user_id, ?1 FROM procedure_members WHERE procedure_id = ?2`,
		} {
			if _, err := tx.Exec(q, id, fromID, now); err != nil {
				return fmt.Errorf("store: unable to duplicate procedure: %w", err)
			}
		}
		return auditTx(tx, a, "procedure:"+slug, map[string]string{"from": from}, map[string]string{"slug": slug, "title": title, "status": "draft"})
	})
	return id, err
}

// DeleteProcedure deletes a procedure with everything it holds: its
// definition, contributions, comments, ratings, responses, reports and
// events. The audit log keeps an entry of the deletion (with the counts),
// written in the same transaction.
func (s *Store) DeleteProcedure(ctx context.Context, procedureID int64, a Audited) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		var slug, title string
		if err := tx.QueryRow(`SELECT slug, title FROM procedures WHERE id = ?`, procedureID).Scan(&slug, &title); errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		} else if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM contributions WHERE procedure_id = ?`, procedureID).Scan(&n); err != nil {
			return err
		}
		const ofProc = `SELECT seq FROM contributions WHERE procedure_id = ?1`
		for _, q := range []string{
			`DELETE FROM flags WHERE subject_kind = 'contribution' AND subject_id IN (SELECT id FROM contributions WHERE procedure_id = ?1)`,
			`DELETE FROM flags WHERE subject_kind = 'comment' AND subject_id IN (
				SELECT CAST(m.id AS TEXT) FROM comments m WHERE m.contribution_seq IN (` + ofProc + `)
				UNION ALL SELECT CAST(m.id AS TEXT) FROM conception_comments m JOIN conceptions k ON k.id = m.conception_id WHERE k.procedure_id = ?1)`,
			`DELETE FROM comments WHERE contribution_seq IN (` + ofProc + `)`,
			`DELETE FROM ratings WHERE contribution_seq IN (` + ofProc + `)`,
			`DELETE FROM responses WHERE contribution_seq IN (` + ofProc + `)`,
			`DELETE FROM contributions_geo WHERE seq IN (` + ofProc + `)`,
			`DELETE FROM geo_changes WHERE procedure_id = ?1`,
			`DELETE FROM feature_changes WHERE procedure_id = ?1`,
			`DELETE FROM contributions WHERE procedure_id = ?1`,
			`DELETE FROM events WHERE procedure_id = ?1`,
			`DELETE FROM sign_videos WHERE procedure_id = ?1`,
			`DELETE FROM procedures WHERE id = ?1`,
		} {
			if _, err := tx.Exec(q, procedureID); err != nil {
				return fmt.Errorf("store: unable to delete procedure: %w", err)
			}
		}
		return auditTx(tx, a, "procedure:"+slug, map[string]any{"slug": slug, "title": title, "contributions": n}, nil)
	})
}

// ProcedureOfContribution returns the id of the procedure a contribution
// belongs to.
func (s *Store) ProcedureOfContribution(ctx context.Context, id string) (int64, error) {
	var p int64
	err := s.read.QueryRowContext(ctx, `SELECT procedure_id FROM contributions WHERE id = ?`, id).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return p, err
}

// ProcedureOfComment returns the id of the procedure a comment (on a
// contribution or on a plan variant) belongs to.
func (s *Store) ProcedureOfComment(ctx context.Context, id int64) (int64, error) {
	var p int64
	err := s.read.QueryRowContext(ctx, `SELECT c.procedure_id FROM comments m JOIN contributions c ON c.seq = m.contribution_seq WHERE m.id = ?1
		UNION ALL SELECT k.procedure_id FROM conception_comments m JOIN conceptions k ON k.id = m.conception_id WHERE m.id = ?1`, id).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, ErrNotFound
	}
	return p, err
}
