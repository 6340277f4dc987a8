package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mitreden/mitreden/internal/model"
)

// SeedFile is an attached file travelling with a procedure (a procedure
// export read by `mitreden procedure add`). Attachment.ID is its id where
// it came from: links to it in the procedure's texts (a plan variant's
// picture, an image in a page) are rewritten to its new id.
type SeedFile struct {
	Attachment model.Attachment
	Data       []byte
}

// AllPages lists a procedure's pages in every locale, in order.
func (s *Store) AllPages(ctx context.Context, procedureID int64) ([]model.Page, error) {
	return scanPages(s.read.QueryContext(ctx, `SELECT id, slug, locale, title, body_md, easy_md, position, updated_at FROM pages
		WHERE procedure_id = ? ORDER BY position, slug, locale`, procedureID))
}

// AttachmentsWithData lists a procedure's files with their bytes, oldest
// first (for a procedure export; workshop procedures hold a few files).
func (s *Store) AttachmentsWithData(ctx context.Context, procedureID int64) ([]SeedFile, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+attachmentCols+`, data FROM attachments WHERE procedure_id = ? ORDER BY id`, procedureID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list attachments: %w", err)
	}
	defer rows.Close()
	var out []SeedFile
	for rows.Next() {
		var f SeedFile
		if f.Attachment, err = scanAttachment(rows, &f.Data); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// insertSeedFiles stores a new procedure's files and returns what rewrites
// the links to them in its texts (old ids to new). The checksum and size
// are computed here, never taken from the file.
func insertSeedFiles(tx *sql.Tx, procedureID int64, slug string, files []SeedFile) (func(string) string, error) {
	var pairs []string
	for _, f := range files {
		a := f.Attachment
		sum := sha256.Sum256(f.Data)
		if a.CreatedAt.IsZero() {
			a.CreatedAt = time.Now()
		}
		res, err := tx.Exec(`INSERT INTO attachments(procedure_id, page_slug, conception_key, title, filename, content_type, size, sha256, data, created_at)
			VALUES (?,?,?,?,?,?,?,?,?,?)`, procedureID, a.PageSlug, a.ConceptionKey, a.Title, a.Filename, a.ContentType,
			len(f.Data), hex.EncodeToString(sum[:]), f.Data, ms(a.CreatedAt))
		if err != nil {
			return nil, fmt.Errorf("store: unable to add attachment %q: %w", a.Filename, err)
		}
		id, _ := res.LastInsertId()
		if a.ID > 0 {
			pairs = append(pairs, fmt.Sprintf("/p/%s/files/%d/", slug, a.ID), fmt.Sprintf("/p/%s/files/%d/", slug, id))
		}
	}
	if len(pairs) == 0 {
		return func(s string) string { return s }, nil
	}
	r := strings.NewReplacer(pairs...)
	return r.Replace, nil
}

// relinkProcedure rewrites the links to files in a new procedure's own
// texts (all locales).
func relinkProcedure(tx *sql.Tx, id int64, p model.Procedure, relink func(string) string) error {
	tr := map[string]model.ProcedureText{}
	for k, t := range p.Translations {
		t.SummaryMD, t.IntroMD = relink(t.SummaryMD), relink(t.IntroMD)
		tr[k] = t
	}
	i18n, _ := json.Marshal(tr)
	if len(p.Translations) == 0 {
		i18n, _ = json.Marshal(p.Translations)
	}
	_, err := tx.Exec(`UPDATE procedures SET summary_md = ?, intro_md = ?, intro_easy_md = ?, i18n_json = ? WHERE id = ?`,
		relink(p.SummaryMD), relink(p.IntroMD), relink(p.IntroEasyMD), string(i18n), id)
	return err
}
