package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// SiteProcedure is the procedure id of the site's own sign-language video.
const SiteProcedure = 0

// SignVideo is a video in German Sign Language with its captions, for the
// site (ProcedureID SiteProcedure) or one procedure.
type SignVideo struct {
	ProcedureID int64
	MIME        string
	Video       []byte
	Captions    string
	UpdatedAt   time.Time
	UpdatedBy   string
}

// SitePage returns the operators' own text of a site page in one variant;
// ok is false when they have written none.
func (s *Store) SitePage(ctx context.Context, name, variant string) (md string, ok bool, err error) {
	err = s.read.QueryRowContext(ctx, `SELECT body_md FROM site_pages WHERE name = ? AND variant = ?`, name, variant).Scan(&md)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("store: unable to read site page: %w", err)
	}
	return md, true, nil
}

// SitePageVariants lists the variants of each site page the operators
// have written themselves.
func (s *Store) SitePageVariants(ctx context.Context) (map[string][]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT name, variant FROM site_pages ORDER BY name, variant`)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list site pages: %w", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var name, variant string
		if err := rows.Scan(&name, &variant); err != nil {
			return nil, err
		}
		out[name] = append(out[name], variant)
	}
	return out, rows.Err()
}

// SaveSitePage keeps the operators' text of a site page; an empty md
// deletes it, so that the shipped text shows again. The audit entry is
// written in the same transaction.
func (s *Store) SaveSitePage(ctx context.Context, name, variant, md string, now time.Time, a Audited) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		var before string
		_ = tx.QueryRow(`SELECT body_md FROM site_pages WHERE name = ? AND variant = ?`, name, variant).Scan(&before)
		var err error
		if md == "" {
			_, err = tx.Exec(`DELETE FROM site_pages WHERE name = ? AND variant = ?`, name, variant)
		} else {
			_, err = tx.Exec(`INSERT INTO site_pages (name, variant, body_md, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)
				ON CONFLICT (name, variant) DO UPDATE SET body_md = excluded.body_md, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
				name, variant, md, ms(now), a.Actor)
		}
		if err != nil {
			return fmt.Errorf("store: unable to save site page: %w", err)
		}
		return auditTx(tx, a, "site:"+name+"/"+variant, map[string]int{"chars": len(before)}, map[string]int{"chars": len(md)})
	})
}

// SignVideo returns the sign-language video of a procedure (or the site's,
// SiteProcedure) with its bytes; ErrNotFound when there is none.
func (s *Store) SignVideo(ctx context.Context, procedureID int64) (*SignVideo, error) {
	v := SignVideo{ProcedureID: procedureID}
	var at int64
	err := s.read.QueryRowContext(ctx, `SELECT mime, video, captions, updated_at, updated_by FROM sign_videos WHERE procedure_id = ?`, procedureID).
		Scan(&v.MIME, &v.Video, &v.Captions, &at, &v.UpdatedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to read sign video: %w", err)
	}
	v.UpdatedAt = fromMS(at)
	return &v, nil
}

// SaveSignVideo keeps (replaces) the sign-language video of a procedure or
// the site, audited in the same transaction.
func (s *Store) SaveSignVideo(ctx context.Context, v SignVideo, a Audited) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO sign_videos (procedure_id, mime, video, captions, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (procedure_id) DO UPDATE SET mime = excluded.mime, video = excluded.video, captions = excluded.captions,
			updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
			v.ProcedureID, v.MIME, v.Video, v.Captions, ms(v.UpdatedAt), a.Actor)
		if err != nil {
			return fmt.Errorf("store: unable to save sign video: %w", err)
		}
		return auditTx(tx, a, fmt.Sprintf("sign-video:%d", v.ProcedureID), nil, map[string]any{"mime": v.MIME, "bytes": len(v.Video)})
	})
}

// DeleteSignVideo removes the sign-language video of a procedure or the
// site; ErrNotFound when there is none.
func (s *Store) DeleteSignVideo(ctx context.Context, procedureID int64, a Audited) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		r, err := tx.Exec(`DELETE FROM sign_videos WHERE procedure_id = ?`, procedureID)
		if err != nil {
			return fmt.Errorf("store: unable to delete sign video: %w", err)
		}
		if n, _ := r.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return auditTx(tx, a, fmt.Sprintf("sign-video:%d", procedureID), nil, nil)
	})
}
