package workshop_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/export"
	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/workshop"
)

// openProcedure opens a fresh database holding procedure "park".
func openProcedure(t *testing.T, name string) (*store.Store, *model.Procedure) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), name), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateProcedure(ctx, store.ProcedureSeed{Procedure: *procedure()}); err != nil {
		t.Fatal(err)
	}
	p, err := st.ProcedureBySlug(ctx, "park")
	if err != nil {
		t.Fatal(err)
	}
	return st, p
}

var exportedAt = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func exportBundle(t *testing.T, st *store.Store, p *model.Procedure) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := export.Write(context.Background(), st, export.Bundle, p, &b, export.Options{Now: exportedAt}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func importBundle(t *testing.T, st *store.Store, p *model.Procedure, b []byte) store.ImportResult {
	t.Helper()
	d := &workshop.Decoder{Procedure: p, Limits: geo.DefaultLimits()}
	res, err := workshop.Import(context.Background(), st, d, bytes.NewReader(b), nil)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return res
}

// comparable reduces a bundle to what must survive a transfer: comment ids
// (which every database numbers itself) become positions, and contributions
// are sorted by id.
func comparable(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%v in %s", err, b)
	}
	delete(v, "exported_at")
	cs, _ := v["contributions"].([]any)
	for _, c := range cs {
		c := c.(map[string]any)
		pos := map[float64]int{}
		comments, _ := c["comments"].([]any)
		for i, m := range comments {
			m := m.(map[string]any)
			pos[m["id"].(float64)] = i + 1
			m["id"] = i + 1
			if p, ok := m["parent_id"]; ok {
				m["parent_id"] = pos[p.(float64)]
			}
		}
	}
	sort.Slice(cs, func(i, j int) bool {
		return cs[i].(map[string]any)["id"].(string) < cs[j].(map[string]any)["id"].(string)
	})
	return v
}

// TestBundleRoundTripIsLossless builds a procedure with contributions in
// every status, a hide reason, a merge, a withdrawal, comments with replies
// (one hidden), official responses, ratings and reports, exports it,
// imports it into a fresh database and exports again: the two bundles
// hold the same. Importing again, or into the source, adds nothing.
func TestBundleRoundTripIsLossless(t *testing.T) {
	ctx := context.Background()
	src, p := openProcedure(t, "src.db")
	at := time.Now().UTC().Add(-48 * time.Hour).Truncate(time.Millisecond)
	n := 0
	add := func(title string, status model.ContributionStatus) *model.Contribution {
		n++
		c := &model.Contribution{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", n), ProcedureID: p.ID,
			Category: "gruen", Title: title, Text: "Ein Beitrag für den Park: " + title, AuthorName: "Eva",
			Geometry: orb.Point{9.95, 53.55}, Origin: "table:2", Status: status, CreatedAt: at, UpdatedAt: at}
		at = at.Add(time.Minute)
		if err := src.InsertContribution(ctx, c, nil, ""); err != nil {
			t.Fatal(err)
		}
		return c
	}
	pub := add("Mehr Bäume", model.Published)
	sub := add("Neue Bänke am Teich", model.Submitted)
	hid := add("Ganz anderer Beitrag", model.Published)
	dup := add("Mehr Bäume bitte!!!!", model.Published)
	wd := add("Zurückgezogen vom Autor", model.Published)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	mod := store.Audited{Actor: "mod@example.org", Action: "moderate"}
	_, err := src.ModerateContribution(ctx, hid.ID, mod, func(c *model.Contribution) error {
		c.Status, c.Reason = model.Hidden, "Beleidigend (Regel 3)"
		return nil
	})
	must(err)
	_, err = src.MergeContribution(ctx, dup.ID, pub.ID, "Doppelt, siehe oben", mod, nil)
	must(err)
	_, err = src.UpdateContribution(ctx, wd.ID, func(c *model.Contribution) error { c.Status = model.Withdrawn; return nil })
	must(err)
	top := &model.Comment{ContributionID: pub.ID, Text: "Gute Idee!", AuthorName: "Jo", CreatedAt: at}
	must(src.AddComment(ctx, top))
	must(src.AddComment(ctx, &model.Comment{ContributionID: pub.ID, ParentID: top.ID, Text: "Finde ich auch.", CreatedAt: at.Add(time.Second)}))
	bad := &model.Comment{ContributionID: pub.ID, Text: "Unsinn, alles Unsinn", AuthorName: "X", CreatedAt: at.Add(2 * time.Second)}
	must(src.AddComment(ctx, bad))
	_, err = src.ModerateComment(ctx, 0, bad.ID, model.Hidden, mod)
	must(err)
	must(src.AddComment(ctx, &model.Comment{ContributionID: dup.ID, Text: "Auch hier ein Kommentar", CreatedAt: at}))
	must(src.RespondTo(ctx, pub.ID, &model.Response{Author: "Bezirksamt", TextMD: "Wir prüfen das.\n\n**Danke!**", CreatedAt: at.Add(time.Hour)}, 0, mod))
	for i, v := range []int{1, 1, -1} {
		_, _, err := src.Rate(ctx, pub.ID, []byte(fmt.Sprintf("voter-hash-%02d-padding-to-32-bytes", i)), v)
		must(err)
	}
	_, _, err = src.Rate(ctx, hid.ID, []byte("voter-hash-00-padding-to-32-bytes"), -1)
	must(err)
	must(src.AddFlag(ctx, "contribution", hid.ID, "Beleidigung"))
	must(src.AddFlag(ctx, "comment", fmt.Sprint(bad.ID), "Spam"))
	must(src.AddFlag(ctx, "contribution", pub.ID, "falsch verortet"))
	reports, err := src.Reports(ctx, p.ID, false, 10)
	must(err)
	must(src.ResolveReport(ctx, p.ID, reports[0].ID, "erledigt", mod))

	first := exportBundle(t, src, p)
	for _, want := range []string{`"version":2`, `"status":"merged"`, `"merged_into":"` + pub.ID, `"status":"withdrawn"`, `"reason":"Beleidigend (Regel 3)"`,
		`"status":"hidden"`, `"Wir prüfen das.\n\n**Danke!**"`, `"voter":"`, `"reason":"Spam"`, `"resolved_by":"mod@example.org"`, `"status":"submitted"`} {
		if !strings.Contains(string(first), want) {
			t.Errorf("bundle lacks %s:\n%s", want, first)
		}
	}
	if strings.Contains(string(first), "voter-hash") {
		t.Error("the bundle carries voter keys in the clear")
	}

	dst, q := openProcedure(t, "dst.db")
	res := importBundle(t, dst, q, first)
	if res.Added != 5 || res.Skipped != 0 || res.Comments != 4 || res.Responses != 1 || res.Ratings != 4 || res.Flags != 3 {
		t.Fatalf("first import: %+v", res)
	}
	second := exportBundle(t, dst, q)
	if a, b := comparable(t, first), comparable(t, second); !reflect.DeepEqual(a, b) {
		t.Fatalf("the round trip lost something:\nbefore %s\nafter  %s", first, second)
	}
	// what residents and moderators see came along too
	got, err := dst.Contribution(ctx, pub.ID)
	must(err)
	if got.Up != 2 || got.Down != 1 || got.Comments != 2 {
		t.Fatalf("counts after import: %+v", got)
	}
	if n, _ := dst.CountOpenReports(ctx, q.ID); n != 2 {
		t.Fatalf("%d open reports after import, want 2", n)
	}

	// idempotent: again into the copy, and back into the source
	for name, target := range map[string]struct {
		st *store.Store
		p  *model.Procedure
		b  []byte
	}{"again": {dst, q, first}, "into the source": {src, p, first}, "copy into the source": {src, p, second}} {
		before := exportBundle(t, target.st, target.p)
		res := importBundle(t, target.st, target.p, target.b)
		if res != (store.ImportResult{Skipped: 5}) {
			t.Errorf("%s: %+v, want nothing added", name, res)
		}
		if after := exportBundle(t, target.st, target.p); !bytes.Equal(before, after) {
			t.Errorf("%s changed the database", name)
		}
	}

	// votes merge by voter: one new voter counts, a known one not twice
	_, _, err = src.Rate(ctx, pub.ID, []byte("voter-hash-07-padding-to-32-bytes"), 1)
	must(err)
	_, _, err = src.Rate(ctx, pub.ID, []byte("voter-hash-02-padding-to-32-bytes"), 1) // changed from -1
	must(err)
	res = importBundle(t, dst, q, exportBundle(t, src, p))
	if res.Added != 0 || res.Ratings != 1 {
		t.Fatalf("merge import: %+v", res)
	}
	if got, _ = dst.Contribution(ctx, pub.ID); got.Up != 3 || got.Down != 1 {
		t.Fatalf("counts after merge: up %d down %d, want 3 and 1", got.Up, got.Down)
	}
	_ = sub
}

// A bundle of version 1 (before ratings, responses and reports travelled)
// still imports, with its rating counts.
func TestVersionOneBundleStillImports(t *testing.T) {
	st, p := openProcedure(t, "v1.db")
	item := strings.Replace(okItem, `"status"`, `"rating_up":4,"rating_down":1,"status"`, 1)
	d := &workshop.Decoder{Procedure: p, Limits: geo.DefaultLimits(), Now: func() time.Time { return now }}
	res, err := workshop.Import(context.Background(), st, d, strings.NewReader(bundle(item)), nil)
	if err != nil || res.Added != 1 || res.Comments != 2 {
		t.Fatalf("%+v %v", res, err)
	}
	c, err := st.Contribution(context.Background(), "7b0c1f1e-8d1a-4c39-9a55-0d6c1c2f7a10")
	if err != nil || c.Up != 4 || c.Down != 1 || c.Comments != 2 || c.Origin != "table:3" {
		t.Fatalf("%+v %v", c, err)
	}
}
