package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/mitreden/mitreden/internal/model"
)

// textsJSON is how a part's translations are kept (texts_json columns).
func textsJSON(t model.Texts) string {
	if len(t) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(t)
	return string(b)
}

// scanTexts reads a texts_json column.
func scanTexts(s string) model.Texts {
	var t model.Texts
	if s == "" || s == "{}" || json.Unmarshal([]byte(s), &t) != nil || len(t) == 0 {
		return nil
	}
	return t
}

// SetAppointmentTexts replaces the translations of one appointment.
func (s *Store) SetAppointmentTexts(ctx context.Context, procedureID, id int64, t model.Texts, a Audited) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`UPDATE appointments SET texts_json = ? WHERE procedure_id = ? AND id = ?`, textsJSON(t), procedureID, id)
		if err != nil {
			return fmt.Errorf("store: unable to translate appointment: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return touch(tx, procedureID, a, fmt.Sprintf("appointment:%d", id), t)
	})
}

// relinkTexts applies relink (links to a seed's files rewritten to their
// new ids) to every translation in t.
func relinkTexts(t model.Texts, relink func(string) string) model.Texts {
	if len(t) == 0 {
		return t
	}
	out := model.Texts{}
	for f, l := range t {
		out[f] = model.Labels{}
		for k, v := range l {
			out[f][k] = relink(v)
		}
	}
	return out
}
