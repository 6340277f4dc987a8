package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// replay returns every event a client replaying from the start would get.
func replay(t *testing.T, st *store.Store, p *model.Procedure) []model.Event {
	t.Helper()
	evs, err := st.EventsSince(context.Background(), p.ID, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

func mustNotReplay(t *testing.T, evs []model.Event, secrets ...string) {
	t.Helper()
	for _, e := range evs {
		for _, s := range secrets {
			if strings.Contains(string(e.Data), s) {
				t.Errorf("event %d %s still carries %q: %s", e.ID, e.Type, s, e.Data)
			}
		}
	}
}

func TestRemovedContributionsAreNotReplayable(t *testing.T) {
	st := open(t)
	p := procedure(t, st)
	ctx := context.Background()
	other := contribution(p, "Ziel", orb.Point{9.96, 53.56}, time.Now())
	if err := st.InsertContribution(ctx, other, nil, ""); err != nil {
		t.Fatal(err)
	}
	remove := map[string]func(id string) error{
		"hidden": func(id string) error {
			_, err := st.ModerateContribution(ctx, id, store.Audited{Actor: "mod", Action: "contribution.moderate"},
				func(c *model.Contribution) error { c.Status = model.Hidden; return nil })
			return err
		},
		"withdrawn": func(id string) error {
			_, err := st.UpdateContribution(ctx, id, func(c *model.Contribution) error { c.Status = model.Withdrawn; return nil })
			return err
		},
		"merged": func(id string) error {
			_, err := st.MergeContribution(ctx, id, other.ID, "doppelt", store.Audited{Actor: "mod", Action: "contribution.merge"}, nil)
			return err
		},
	}
	for status, fn := range remove {
		t.Run(status, func(t *testing.T) {
			c := contribution(p, "Titel "+status, orb.Point{9.95, 53.55}, time.Now())
			c.Text = "Geheimer Text " + status + " mit Namen"
			if err := st.InsertContribution(ctx, c, nil, ""); err != nil {
				t.Fatal(err)
			}
			m := &model.Comment{ContributionID: c.ID, Text: "Kommentar zu " + status, AuthorName: "Nachbarin " + status, CreatedAt: time.Now()}
			if err := st.AddComment(ctx, m); err != nil {
				t.Fatal(err)
			}
			if err := fn(c.ID); err != nil {
				t.Fatal(err)
			}
			evs := replay(t, st, p)
			mustNotReplay(t, evs, "Geheimer Text "+status, "Titel "+status, "Kommentar zu "+status, "Nachbarin "+status)
			last := evs[len(evs)-1]
			var data struct{ ID, Status string }
			_ = json.Unmarshal(last.Data, &data)
			if last.Type != "contribution.removed" || data.ID != c.ID || data.Status != status {
				t.Fatalf("last event = %s %s, want contribution.removed of %s", last.Type, last.Data, c.ID)
			}
		})
	}
}

func TestEditedContributionReplaysOnlyItsCurrentText(t *testing.T) {
	st := open(t)
	p := procedure(t, st)
	ctx := context.Background()
	c := contribution(p, "Alter Titel", orb.Point{9.95, 53.55}, time.Now())
	c.Text = "Alter Text mit Telefonnummer 0401234"
	if err := st.InsertContribution(ctx, c, nil, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpdateContribution(ctx, c.ID, func(c *model.Contribution) error {
		c.Title, c.Text = "Neuer Titel", "Neuer Text ohne Nummer"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	evs := replay(t, st, p)
	mustNotReplay(t, evs, "Alter Titel", "0401234")
	if len(evs) != 2 || evs[0].Type != "contribution.created" || evs[1].Type != "contribution.updated" ||
		!strings.Contains(string(evs[0].Data), "Neuer Text ohne Nummer") || !strings.Contains(string(evs[1].Data), "Neuer Titel") {
		t.Fatalf("events = %d, first %s", len(evs), evs[0].Data)
	}
}

func TestHiddenCommentIsNotReplayable(t *testing.T) {
	st := open(t)
	p := procedure(t, st)
	ctx := context.Background()
	c := contribution(p, "Bank", orb.Point{9.95, 53.55}, time.Now())
	if err := st.InsertContribution(ctx, c, nil, ""); err != nil {
		t.Fatal(err)
	}
	m := &model.Comment{ContributionID: c.ID, Text: "Beleidigender Kommentar", CreatedAt: time.Now()}
	if err := st.AddComment(ctx, m); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ModerateComment(ctx, 0, m.ID, model.Hidden, store.Audited{Actor: "mod", Action: "comment.moderate"}); err != nil {
		t.Fatal(err)
	}
	evs := replay(t, st, p)
	mustNotReplay(t, evs, "Beleidigender Kommentar")
	last := evs[len(evs)-1]
	var data struct {
		ID             int64  `json:"id"`
		ContributionID string `json:"contribution_id"`
	}
	_ = json.Unmarshal(last.Data, &data)
	if last.Type != "comment.removed" || data.ID != m.ID || data.ContributionID != c.ID {
		t.Fatalf("last event = %s %s", last.Type, last.Data)
	}
	// Published again, it is announced again.
	if _, err := st.ModerateComment(ctx, 0, m.ID, model.Published, store.Audited{Actor: "mod", Action: "comment.moderate"}); err != nil {
		t.Fatal(err)
	}
	evs = replay(t, st, p)
	if last := evs[len(evs)-1]; last.Type != "comment.created" || !strings.Contains(string(last.Data), "Beleidigender Kommentar") {
		t.Fatalf("republished comment: %s %s", last.Type, last.Data)
	}
}

func TestRatingsDoNotCopyTheFeatureIntoEvents(t *testing.T) {
	st := open(t)
	p := procedure(t, st)
	ctx := context.Background()
	c := contribution(p, "Bank", orb.Point{9.95, 53.55}, time.Now())
	if err := st.InsertContribution(ctx, c, nil, ""); err != nil {
		t.Fatal(err)
	}
	before := len(replay(t, st, p))
	for i, v := range []int{1, -1, 1} {
		if _, _, err := st.Rate(ctx, c.ID, []byte{byte(i)}, v); err != nil {
			t.Fatal(err)
		}
	}
	if after := replay(t, st, p); len(after) != before {
		t.Fatalf("ratings added %d events: %s", len(after)-before, after[len(after)-1].Data)
	}
}

// rawEvents writes n events of procedure p directly, created at at.
func rawEvents(t *testing.T, st *store.Store, p *model.Procedure, n int, at time.Time) {
	t.Helper()
	err := st.Write(context.Background(), func(tx *sql.Tx) error {
		for i := 0; i < n; i++ {
			if _, err := tx.Exec(`INSERT INTO events(procedure_id, type, data, created_at) VALUES (?, 'comment.created', '{}', ?)`,
				p.ID, at.UnixMilli()); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestReplayIsCappedInCountAndAge(t *testing.T) {
	st := open(t)
	p := procedure(t, st)
	ctx := context.Background()
	rawEvents(t, st, p, 5, time.Now().Add(-store.ReplayWindow-time.Hour)) // ids 1..5, too old
	rawEvents(t, st, p, store.ReplayMax+10, time.Now())                   // ids 6..1015
	evs, err := st.EventsSince(ctx, p.ID, 0, store.ReplayMax)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != store.ReplayMax || evs[0].ID != 16 || evs[len(evs)-1].ID != int64(store.ReplayMax+15) {
		t.Fatalf("replay from 0: %d events, first %d", len(evs), evs[0].ID)
	}
	// Within the cap a resume starts right after the id it names.
	evs, _ = st.EventsSince(ctx, p.ID, 1010, store.ReplayMax)
	if len(evs) != 5 || evs[0].ID != 1011 {
		t.Fatalf("resume from 1010: %d events", len(evs))
	}
}

func TestPruneEventsKeepsTheReplayWindow(t *testing.T) {
	st := open(t)
	p := procedure(t, st)
	ctx := context.Background()
	rawEvents(t, st, p, 7, time.Now().Add(-store.ReplayWindow-time.Hour))
	rawEvents(t, st, p, store.ReplayMax+3, time.Now())
	n, err := st.PruneEvents(ctx, time.Now())
	if err != nil || n != 10 {
		t.Fatalf("pruned %d, %v; want 10", n, err)
	}
	var left int
	var minID int64
	if err := st.Write(ctx, func(tx *sql.Tx) error {
		return tx.QueryRow(`SELECT COUNT(*), MIN(id) FROM events`).Scan(&left, &minID)
	}); err != nil {
		t.Fatal(err)
	}
	if left != store.ReplayMax || minID != 11 {
		t.Fatalf("left %d events from %d", left, minID)
	}
	// Ids are never reused after a prune: a resume id stays meaningful.
	if last, _ := st.LastEventID(ctx); last != int64(store.ReplayMax+10) {
		t.Fatalf("last id %d", last)
	}
}
