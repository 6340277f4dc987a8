package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/mitreden/mitreden/internal/model"
)

const attachmentCols = `id, procedure_id, page_slug, conception_key, title, filename, content_type, size, sha256, created_at`

func scanAttachment(row interface{ Scan(...any) error }, extra ...any) (model.Attachment, error) {
	var a model.Attachment
	var created int64
	err := row.Scan(append([]any{&a.ID, &a.ProcedureID, &a.PageSlug, &a.ConceptionKey, &a.Title, &a.Filename,
		&a.ContentType, &a.Size, &a.SHA256, &created}, extra...)...)
	a.CreatedAt = fromMS(created)
	return a, err
}

// AddAttachment stores a file with its bytes (so a backup holds it), bumps
// the procedure's version and audits the upload; it fills in the id, size,
// checksum and time.
func (s *Store) AddAttachment(ctx context.Context, att *model.Attachment, data []byte, a Audited) error {
	sum := sha256.Sum256(data)
	att.SHA256, att.Size, att.CreatedAt = hex.EncodeToString(sum[:]), int64(len(data)), time.Now()
	return s.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`INSERT INTO attachments(procedure_id, page_slug, conception_key, title, filename, content_type, size, sha256, data, created_at)
			VALUES (?,?,?,?,?,?,?,?,?,?)`, att.ProcedureID, att.PageSlug, att.ConceptionKey, att.Title, att.Filename, att.ContentType,
			att.Size, att.SHA256, data, ms(att.CreatedAt))
		if err != nil {
			return fmt.Errorf("store: unable to add attachment: %w", err)
		}
		att.ID, _ = res.LastInsertId()
		return touch(tx, att.ProcedureID, a, fmt.Sprintf("attachment:%d", att.ID),
			map[string]any{"filename": att.Filename, "type": att.ContentType, "size": att.Size})
	})
}

// Attachments lists a procedure's files (without their bytes), oldest first.
func (s *Store) Attachments(ctx context.Context, procedureID int64) ([]model.Attachment, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+attachmentCols+` FROM attachments WHERE procedure_id = ? ORDER BY id`, procedureID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to list attachments: %w", err)
	}
	defer rows.Close()
	var out []model.Attachment
	for rows.Next() {
		a, err := scanAttachment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// AttachmentData returns one file of a procedure with its bytes.
func (s *Store) AttachmentData(ctx context.Context, procedureID, id int64) (model.Attachment, []byte, error) {
	var data []byte
	a, err := scanAttachment(s.read.QueryRowContext(ctx, `SELECT `+attachmentCols+`, data FROM attachments WHERE procedure_id = ? AND id = ?`,
		procedureID, id), &data)
	if errors.Is(err, sql.ErrNoRows) {
		return a, nil, ErrNotFound
	}
	if err != nil {
		return a, nil, fmt.Errorf("store: unable to fetch attachment: %w", err)
	}
	return a, data, nil
}

// DeleteAttachment removes one file of a procedure.
func (s *Store) DeleteAttachment(ctx context.Context, procedureID, id int64, a Audited) error {
	return s.deleteOne(ctx, procedureID, `DELETE FROM attachments WHERE procedure_id = ? AND id = ?`, id, a, fmt.Sprintf("attachment:%d", id))
}
