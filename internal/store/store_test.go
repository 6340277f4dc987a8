package store_test

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

func open(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "test.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

func procedure(t testing.TB, st *store.Store) *model.Procedure {
	t.Helper()
	now := time.Now()
	p := model.Procedure{Slug: "test", Title: "Test", Settings: model.DefaultSettings(),
		Area:   orb.Polygon{{{9.9, 53.5}, {10.0, 53.5}, {10.0, 53.6}, {9.9, 53.6}, {9.9, 53.5}}},
		Phases: []model.Phase{{Kind: model.PhaseParticipation, StartsAt: now.Add(-time.Hour), EndsAt: now.Add(time.Hour)}},
		Categories: []model.Category{{Key: "gruen", Label: model.Labels{"de": "Grün"}, Colour: "#2e7d32"},
			{Key: "verkehr", Label: model.Labels{"de": "Verkehr"}, Colour: "#1f5fa8"}}}
	_, err := st.CreateProcedure(context.Background(), store.ProcedureSeed{Procedure: p,
		Pages:  []model.Page{{Slug: "faq", Locale: "de", Title: "FAQ", BodyMD: "# Fragen"}, {Slug: "faq", Locale: "en", Title: "FAQ en", BodyMD: "# Q"}},
		Places: []store.Place{{Name: "Bahnhof", Lon: 9.95, Lat: 53.55}}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := st.ProcedureBySlug(context.Background(), "test")
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func contribution(p *model.Procedure, title string, g orb.Geometry, created time.Time) *model.Contribution {
	return &model.Contribution{ID: uuid.NewString(), ProcedureID: p.ID, Category: "gruen", Title: title,
		Text: "Ein Text mit genug Zeichen.", Geometry: g, Origin: "online", Status: model.Published, CreatedAt: created, UpdatedAt: created}
}

func TestMigrateFromEmptyIsIdempotentAndRefusesNewerSchema(t *testing.T) {
	st := open(t)
	ctx := context.Background()
	v, err := st.Migrate(ctx)
	if err != nil || v != store.LatestVersion() || v < 1 {
		t.Fatalf("second migrate = %d, %v; want %d", v, err, store.LatestVersion())
	}
	if ok, _ := st.Current(ctx); !ok {
		t.Fatal("schema should be current")
	}
	// A database migrated by a newer program is refused.
	err = st.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO schema_migrations(version, name, applied_at) VALUES (9999, 'future', 0)`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(ctx); !errors.Is(err, store.ErrSchemaTooNew) {
		t.Fatalf("migrate on newer schema: %v, want ErrSchemaTooNew", err)
	}
}

func TestProcedureRoundTripWithPagesAndPlaces(t *testing.T) {
	st := open(t)
	p := procedure(t, st)
	ctx := context.Background()
	if len(p.Categories) != 2 || p.Categories[0].Key != "gruen" || p.Categories[0].Label.Get("de") != "Grün" {
		t.Fatalf("categories = %+v", p.Categories)
	}
	if len(p.Phases) != 1 || !p.ParticipationOpen(time.Now()) {
		t.Fatalf("phases = %+v", p.Phases)
	}
	if p.Area == nil || len(p.Area[0]) != 5 {
		t.Fatalf("area = %v", p.Area)
	}
	if _, err := st.ProcedureBySlug(ctx, "missing"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing slug: %v", err)
	}
	_, err := st.CreateProcedure(ctx, store.ProcedureSeed{Procedure: model.Procedure{Slug: "test", Title: "dup"}})
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate slug: %v", err)
	}
	en, err := st.Page(ctx, p.ID, "faq", "en")
	if err != nil || en.Title != "FAQ en" {
		t.Fatalf("en page = %+v, %v", en, err)
	}
	fr, err := st.Page(ctx, p.ID, "faq", "fr")
	if err != nil || fr.Locale != "de" {
		t.Fatalf("fallback page = %+v, %v", fr, err)
	}
	pages, err := st.Pages(ctx, p.ID, "en")
	if err != nil || len(pages) != 1 || pages[0].Locale != "en" {
		t.Fatalf("pages en = %+v, %v", pages, err)
	}
	places, err := st.Places(ctx, p.ID)
	if err != nil || len(places) != 1 || places[0].Name != "Bahnhof" {
		t.Fatalf("places = %+v, %v", places, err)
	}
	all, err := st.Procedures(ctx)
	if err != nil || len(all) != 1 {
		t.Fatalf("procedures = %d, %v", len(all), err)
	}
}

func TestContributionsBBoxFilterSearchSortAndPaging(t *testing.T) {
	st := open(t)
	p := procedure(t, st)
	ctx := context.Background()
	base := time.Now().Add(-time.Hour)
	in := contribution(p, "Baum am Bahnhof", orb.Point{9.95, 53.55}, base)
	out := contribution(p, "Radweg weit weg", orb.Point{9.99, 53.59}, base.Add(time.Minute))
	none := contribution(p, "Ohne Ort", nil, base.Add(2*time.Minute))
	none.Category = "verkehr"
	hidden := contribution(p, "Versteckt", orb.Point{9.95, 53.55}, base.Add(3*time.Minute))
	hidden.Status = model.Hidden
	for _, c := range []*model.Contribution{in, out, none, hidden} {
		if err := st.InsertContribution(ctx, c, nil, ""); err != nil {
			t.Fatal(err)
		}
	}
	bb := orb.Bound{Min: orb.Point{9.94, 53.54}, Max: orb.Point{9.96, 53.56}}
	feats, _, total, err := st.Features(ctx, store.Filter{ProcedureID: p.ID, BBox: &bb})
	if err != nil || len(feats) != 1 || total != 1 {
		t.Fatalf("bbox features = %d (total %d), %v", len(feats), total, err)
	}
	far := orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{2, 2}}
	if feats, _, total, err := st.Features(ctx, store.Filter{ProcedureID: p.ID, BBox: &far}); err != nil || len(feats) != 0 || total != 0 {
		t.Fatalf("empty viewport = %d (total %d), %v", len(feats), total, err)
	}
	list, _, err := st.Contributions(ctx, store.Filter{ProcedureID: p.ID, Category: "verkehr"})
	if err != nil || len(list) != 1 || list[0].ID != none.ID {
		t.Fatalf("category filter = %v, %v", list, err)
	}
	list, _, _ = st.Contributions(ctx, store.Filter{ProcedureID: p.ID, GeomType: "none"})
	if len(list) != 1 || list[0].Geometry != nil {
		t.Fatalf("geometry none filter = %v", list)
	}
	list, _, _ = st.Contributions(ctx, store.Filter{ProcedureID: p.ID, Query: "bahn"})
	if len(list) != 1 || list[0].ID != in.ID {
		t.Fatalf("fts prefix search = %v", list)
	}
	list, _, _ = st.Contributions(ctx, store.Filter{ProcedureID: p.ID, Query: `"; DROP TABLE contributions; --`})
	if len(list) != 0 {
		t.Fatalf("hostile search = %v", list)
	}
	// Newest first, two per page, then the rest; hidden never listed.
	page1, cur, err := st.Contributions(ctx, store.Filter{ProcedureID: p.ID, Limit: 2})
	if err != nil || len(page1) != 2 || cur == "" || page1[0].ID != none.ID {
		t.Fatalf("page1 = %v cursor %q err %v", page1, cur, err)
	}
	page2, cur2, err := st.Contributions(ctx, store.Filter{ProcedureID: p.ID, Limit: 2, Cursor: cur})
	if err != nil || len(page2) != 1 || cur2 != "" || page2[0].ID != in.ID {
		t.Fatalf("page2 = %v cursor %q err %v", page2, cur2, err)
	}
	if _, _, err := st.Contributions(ctx, store.Filter{ProcedureID: p.ID, Cursor: "!!"}); !errors.Is(err, store.ErrBadCursor) {
		t.Fatalf("bad cursor: %v", err)
	}
	n, _ := st.CountContributions(ctx, store.Filter{ProcedureID: p.ID})
	if n != 3 {
		t.Fatalf("count = %d, want 3", n)
	}
	counts, err := st.CountBy(ctx, p.ID, "category")
	if err != nil || len(counts) != 2 || counts[0].Key != "gruen" || counts[0].N != 2 {
		t.Fatalf("count by = %v, %v", counts, err)
	}
}

func TestRatingsCommentsResponsesAndEvents(t *testing.T) {
	st := open(t)
	p := procedure(t, st)
	ctx := context.Background()
	c := contribution(p, "Bank", orb.Point{9.95, 53.55}, time.Now())
	if err := st.InsertContribution(ctx, c, []byte("hash"), ""); err != nil {
		t.Fatal(err)
	}
	v0 := p.Version
	up, down, err := st.Rate(ctx, c.ID, []byte("voter1"), 1)
	if err != nil || up != 1 || down != 0 {
		t.Fatalf("rate = %d %d %v", up, down, err)
	}
	up, down, _ = st.Rate(ctx, c.ID, []byte("voter1"), -1) // changed vote
	if up != 0 || down != 1 {
		t.Fatalf("changed vote = %d %d", up, down)
	}
	up, down, _ = st.Rate(ctx, c.ID, []byte("voter1"), 0) // removed
	if up != 0 || down != 0 {
		t.Fatalf("removed vote = %d %d", up, down)
	}
	m := &model.Comment{ContributionID: c.ID, Text: "Gute Idee", CreatedAt: time.Now()}
	if err := st.AddComment(ctx, m); err != nil {
		t.Fatal(err)
	}
	r := &model.Comment{ContributionID: c.ID, ParentID: m.ID, Text: "Finde ich auch", CreatedAt: time.Now()}
	if err := st.AddComment(ctx, r); err != nil {
		t.Fatal(err)
	}
	rr := &model.Comment{ContributionID: c.ID, ParentID: r.ID, Text: "Antwort auf Antwort", CreatedAt: time.Now()}
	if err := st.AddComment(ctx, rr); !errors.Is(err, store.ErrInvalidParent) {
		t.Fatalf("reply to a reply: %v", err)
	}
	cs, err := st.Comments(ctx, c.ID)
	if err != nil || len(cs) != 1 || len(cs[0].Replies) != 1 {
		t.Fatalf("comments = %+v, %v", cs, err)
	}
	got, _ := st.Contribution(ctx, c.ID)
	if got.Comments != 2 {
		t.Fatalf("comment count = %d", got.Comments)
	}
	if err := st.AddResponse(ctx, c.ID, &model.Response{TextMD: "Wir prüfen das.", Author: "Amt", CreatedAt: time.Now()}, 0); err != nil {
		t.Fatal(err)
	}
	rs, _ := st.Responses(ctx, c.ID)
	if len(rs) != 1 {
		t.Fatalf("responses = %v", rs)
	}
	evs, err := st.EventsSince(ctx, p.ID, 0, 100)
	if err != nil || len(evs) != 3 || evs[0].Type != "contribution.created" {
		t.Fatalf("events = %d %v", len(evs), err)
	}
	_, v1, _ := st.ProcedureStamp(ctx, p.Slug)
	if v1 <= v0 {
		t.Fatalf("version did not move: %d -> %d", v0, v1)
	}
	byHash, err := st.ContributionByManageHash(ctx, []byte("hash"))
	if err != nil || byHash.ID != c.ID {
		t.Fatalf("by manage hash = %v, %v", byHash, err)
	}
	upd, err := st.UpdateContribution(ctx, c.ID, func(c *model.Contribution) error { c.Status = model.Withdrawn; return nil })
	if err != nil || upd.Status != model.Withdrawn {
		t.Fatalf("withdraw = %v, %v", upd, err)
	}
	if n, _ := st.CountContributions(ctx, store.Filter{ProcedureID: p.ID}); n != 0 {
		t.Fatalf("withdrawn still listed")
	}
	if err := st.AddFlag(ctx, "contribution", c.ID, "spam"); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.CountFlags(ctx, "contribution", c.ID); n != 1 {
		t.Fatalf("flags = %d", n)
	}
}

func TestGroupCommitKeepsOneFailureFromUndoingOthers(t *testing.T) {
	st := open(t)
	p := procedure(t, st)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make([]error, 200)
	dup := contribution(p, "Doppelt", nil, time.Now())
	if err := st.InsertContribution(ctx, dup, nil, ""); err != nil {
		t.Fatal(err)
	}
	for i := range errs {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			c := contribution(p, "Beitrag", orb.Point{9.95, 53.55}, time.Now())
			if i%10 == 0 {
				c.ID = dup.ID // conflicts: must fail alone
			}
			errs[i] = st.InsertContribution(ctx, c, nil, "")
		}(i)
	}
	wg.Wait()
	failed := 0
	for i, err := range errs {
		if i%10 == 0 {
			if !errors.Is(err, store.ErrConflict) {
				t.Fatalf("duplicate %d: %v", i, err)
			}
			failed++
		} else if err != nil {
			t.Fatalf("insert %d: %v", i, err)
		}
	}
	n, _ := st.CountContributions(ctx, store.Filter{ProcedureID: p.ID})
	if n != 1+len(errs)-failed {
		t.Fatalf("stored %d, want %d", n, 1+len(errs)-failed)
	}
}

func TestUsersTokensAndBackup(t *testing.T) {
	st := open(t)
	ctx := context.Background()
	u := &model.User{Email: "Planer@Example.org", PasswordHash: "x", Role: model.RolePlanner}
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateUser(ctx, &model.User{Email: "planer@example.org", Role: model.RoleAdmin}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("duplicate email (case-insensitive): %v", err)
	}
	got, err := st.UserByEmail(ctx, "planer@example.org")
	if err != nil || got.ID != u.ID {
		t.Fatalf("user by email = %v, %v", got, err)
	}
	if err := st.CreateToken(ctx, u.ID, []byte("tok")); err != nil {
		t.Fatal(err)
	}
	if owner, err := st.UserByTokenHash(ctx, []byte("tok")); err != nil || owner.ID != u.ID {
		t.Fatalf("token owner = %v, %v", owner, err)
	}
	if _, err := st.UserByTokenHash(ctx, []byte("nope")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("unknown token: %v", err)
	}
	procedure(t, st)
	out := filepath.Join(t.TempDir(), "backup.db")
	if err := st.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	if err := st.Backup(ctx, out); err == nil {
		t.Fatal("backup over an existing file must fail")
	}
	b, err := store.Open(out, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if res, err := b.IntegrityCheck(ctx); err != nil || res != "ok" {
		t.Fatalf("integrity = %q, %v", res, err)
	}
	if _, err := b.ProcedureBySlug(ctx, "test"); err != nil {
		t.Fatalf("backup lacks the procedure: %v", err)
	}
}

func TestBulkInsertIndexesWithoutEvents(t *testing.T) {
	st := open(t)
	p := procedure(t, st)
	ctx := context.Background()
	var cs []*model.Contribution
	for i := 0; i < 50; i++ {
		cs = append(cs, contribution(p, "Masse", orb.Point{9.95, 53.55}, time.Now()))
	}
	if err := st.InsertContributions(ctx, cs); err != nil {
		t.Fatal(err)
	}
	bb := orb.Bound{Min: orb.Point{9.94, 53.54}, Max: orb.Point{9.96, 53.56}}
	if n, _ := st.CountContributions(ctx, store.Filter{ProcedureID: p.ID, BBox: &bb, Query: "masse"}); n != 50 {
		t.Fatalf("indexed %d of 50", n)
	}
	if evs, _ := st.EventsSince(ctx, p.ID, 0, 100); len(evs) != 0 {
		t.Fatalf("bulk insert wrote %d events", len(evs))
	}
	if _, v, _ := st.ProcedureStamp(ctx, p.Slug); v <= p.Version {
		t.Fatal("version not bumped")
	}
}

// Any search text is a valid query: quoting keeps FTS5 syntax and SQL out.
func FuzzSearchQuery(f *testing.F) {
	for _, s := range []string{"Baum", `"`, `a" OR "b`, "NEAR(a b)", "*", "^x", "a AND", "'; DROP TABLE contributions; --", "ümlaut straße", "\x00", "col:x"} {
		f.Add(s)
	}
	st := open(f)
	p := procedure(f, st)
	ctx := context.Background()
	if err := st.InsertContribution(ctx, contribution(p, "Baum an der Straße", nil, time.Now()), nil, ""); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, q string) {
		if _, err := st.CountContributions(ctx, store.Filter{ProcedureID: p.ID, Query: q}); err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
	})
}

func TestAuditLogKeepsWhoDidWhat(t *testing.T) {
	st := open(t)
	ctx := context.Background()
	if err := st.Audit(ctx, "planer@example.org", "contribution.hide", "c-1", map[string]string{"status": "published"}, map[string]string{"status": "hidden"}); err != nil {
		t.Fatal(err)
	}
	if err := st.Audit(ctx, "cli", "user.add", "a@example.org", nil, nil); err != nil {
		t.Fatal(err)
	}
	log, err := st.AuditLog(ctx, 10)
	if err != nil || len(log) != 2 {
		t.Fatalf("audit log = %v, %v", log, err)
	}
	if log[0].Action != "user.add" || log[1].Actor != "planer@example.org" || log[1].After != `{"status":"hidden"}` || log[1].At.IsZero() {
		t.Fatalf("entries = %+v", log)
	}
}
