package workshop_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/workshop"
)

var now = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

func procedure() *model.Procedure {
	return &model.Procedure{ID: 1, Slug: "park", Title: "Park", Settings: model.DefaultSettings(),
		Area: orb.Polygon{{{9.9, 53.5}, {10.0, 53.5}, {10.0, 53.6}, {9.9, 53.6}, {9.9, 53.5}}},
		// the participation phase is over: imports still work
		Phases:     []model.Phase{{Kind: model.PhaseParticipation, StartsAt: now.Add(-72 * time.Hour), EndsAt: now.Add(-time.Hour)}},
		Categories: []model.Category{{Key: "gruen", Label: model.Labels{"de": "Grün"}}}}
}

func decoder() *workshop.Decoder {
	return &workshop.Decoder{Procedure: procedure(), Limits: geo.DefaultLimits(), Now: func() time.Time { return now }}
}

const okItem = `{"id":"7b0c1f1e-8d1a-4c39-9a55-0d6c1c2f7a10","category":"gruen","title":"Mehr Bäume","text":"Bitte mehr Bäume pflanzen.","geometry":{"type":"Point","coordinates":[9.95,53.55]},"origin":"table:3","status":"published","created_at":"2026-11-20T10:00:00Z","comments":[{"id":1,"text":"Gern!","created_at":"2026-11-20T11:00:00Z"},{"id":2,"parent_id":1,"text":"Ja, bitte.","created_at":"2026-11-20T12:00:00Z"}]}`

func bundle(items ...string) string {
	return `{"format":"mitreden-bundle","version":1,"procedure":"park","contributions":[` + strings.Join(items, ",") + `]}`
}

func decodeAll(d *workshop.Decoder, in string) ([]store.ImportItem, error) {
	var out []store.ImportItem
	err := d.Decode(strings.NewReader(in), func(it store.ImportItem) error {
		out = append(out, it)
		return nil
	})
	return out, err
}

func TestDecodeBundle(t *testing.T) {
	items, err := decodeAll(decoder(), bundle(okItem))
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 1 {
		t.Fatalf("%d items", len(items))
	}
	it := items[0]
	c := it.Contribution
	if it.Key != "bundle:7b0c1f1e-8d1a-4c39-9a55-0d6c1c2f7a10" || c.ID != "7b0c1f1e-8d1a-4c39-9a55-0d6c1c2f7a10" || c.Origin != "table:3" ||
		c.Geometry.GeoJSONType() != "Point" || len(it.Comments) != 2 || it.Comments[1].ParentID != 1 || c.CreatedAt.Day() != 20 {
		t.Fatalf("%+v %+v", it, c)
	}
}

func TestDecodeGeoJSON(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[
	 {"type":"Feature","id":17,"geometry":{"type":"LineString","coordinates":[[9.95,53.55],[9.96,53.56]]},"properties":{"title":"Weg","text":"Ein Weg für alle.","category":"gruen"}},
	 {"type":"Feature","geometry":null,"properties":{"title":"Ohne Ort","text":"Ganz ohne Ort.","category":"gruen","author_name":"Eva"}}]}`
	items, err := decodeAll(decoder(), in)
	if err != nil {
		t.Fatal(err)
	}
	if len(items) != 2 || items[0].Key != "geojson:id:17" || !strings.HasPrefix(items[1].Key, "geojson:sha256:") ||
		items[1].Contribution.Geometry != nil || items[1].Contribution.Origin != "import" || items[1].Contribution.AuthorName != "Eva" {
		t.Fatalf("%+v", items)
	}
	again, _ := decodeAll(decoder(), in)
	if again[1].Key != items[1].Key {
		t.Fatal("content key is not stable")
	}
}

func TestDecodeRefusesBadFiles(t *testing.T) {
	item := func(old, new string) string { return strings.Replace(okItem, old, new, 1) }
	for name, in := range map[string]string{
		"empty":              ``,
		"array":              `[]`,
		"not json":           `hello`,
		"no kind":            `{"contributions":[]}`,
		"other format":       `{"format":"other","version":1}`,
		"newer version":      `{"format":"mitreden-bundle","version":3,"contributions":[]}`,
		"version zero":       `{"format":"mitreden-bundle","version":0,"contributions":[]}`,
		"other procedure":    `{"format":"mitreden-bundle","version":1,"procedure":"other","contributions":[]}`,
		"trailing data":      bundle(okItem) + `{}`,
		"truncated":          bundle(okItem)[:200],
		"bad uuid":           bundle(item(`7b0c1f1e-8d1a-4c39-9a55-0d6c1c2f7a10`, `42`)),
		"upper-case uuid":    bundle(item(`7b0c1f1e-8d1a`, `7B0C1F1E-8D1A`)),
		"outside area":       bundle(item(`[9.95,53.55]`, `[11.5,53.55]`)),
		"short title":        bundle(item(`Mehr Bäume`, `M`)),
		"unknown category":   bundle(item(`"gruen"`, `"rot"`)),
		"unknown status":     bundle(item(`"published"`, `"deleted"`)),
		"merged, no target":  bundle(item(`"published"`, `"merged"`)),
		"merged into itself": bundle(item(`"status":"published"`, `"status":"merged","merged_into":"7b0c1f1e-8d1a-4c39-9a55-0d6c1c2f7a10"`)),
		"target, not merged": bundle(item(`"status":"published"`, `"status":"hidden","merged_into":"8b0c1f1e-8d1a-4c39-9a55-0d6c1c2f7a10"`)),
		"bad voter":          bundle(item(`"status"`, `"ratings":[{"voter":"xyz","value":1,"created_at":"2026-11-20T10:00:00Z"}],"status"`)),
		"bad vote":           bundle(item(`"status"`, `"ratings":[{"voter":"ab","value":2,"created_at":"2026-11-20T10:00:00Z"}],"status"`)),
		"voter twice":        bundle(item(`"status"`, `"ratings":[{"voter":"ab","value":1},{"voter":"ab","value":-1}],"status"`)),
		"empty response":     bundle(item(`"status"`, `"responses":[{"author":"Amt","text":" "}],"status"`)),
		"comment status":     bundle(item(`"text":"Gern!"`, `"text":"Gern!","status":"merged"`)),
		"future":             bundle(item(`2026-11-20T10`, `2030-11-20T10`)),
		"bad time":           bundle(item(`2026-11-20T10:00:00Z`, `gestern`)),
		"bad origin":         bundle(item(`table:3`, `table:0`)),
		"negative rating":    bundle(item(`"status"`, `"rating_up":-1,"status"`)),
		"orphan reply":       bundle(item(`"parent_id":1`, `"parent_id":9`)),
		"duplicate comment":  bundle(item(`{"id":2,`, `{"id":1,`)),
		"empty comment":      bundle(item(`"Gern!"`, `""`)),
		"self-intersecting":  bundle(item(`{"type":"Point","coordinates":[9.95,53.55]}`, `{"type":"Polygon","coordinates":[[[9.95,53.55],[9.96,53.56],[9.96,53.55],[9.95,53.56],[9.95,53.55]]]}`)),
		"nan":                bundle(item(`[9.95,53.55]`, `[NaN,53.55]`)),
		"feature not object": `{"type":"FeatureCollection","features":[1]}`,
		"feature wrong type": `{"type":"FeatureCollection","features":[{"type":"Point"}]}`,
		"features first":     `{"features":[],"type":"FeatureCollection"}`,
		"id object":          `{"type":"FeatureCollection","features":[{"type":"Feature","id":{},"properties":{"title":"Weg","text":"Ein Weg für alle.","category":"gruen"}}]}`,
		"control chars":      bundle(item(`"Mehr Bäume"`, `"Mehr\u0007Bäume"`)),
	} {
		if _, err := decodeAll(decoder(), in); !errors.Is(err, workshop.ErrInvalid) {
			t.Errorf("%s: got %v, want ErrInvalid", name, err)
		}
	}
}

func TestImportStopsAtTheFirstBadItemAndResumes(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "w.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	p := procedure()
	if _, err := st.CreateProcedure(ctx, store.ProcedureSeed{Procedure: *p}); err != nil {
		t.Fatal(err)
	}
	if p, err = st.ProcedureBySlug(ctx, "park"); err != nil {
		t.Fatal(err)
	}
	d := &workshop.Decoder{Procedure: p, Limits: geo.DefaultLimits(), Now: func() time.Time { return now }}
	var items []string
	for i := 0; i < 1200; i++ {
		items = append(items, fmt.Sprintf(`{"type":"Feature","id":"w-%d","geometry":{"type":"Point","coordinates":[9.95,53.55]},"properties":{"title":"Beitrag %d","text":"Ein Beitrag vom Tisch.","category":"gruen"}}`, i, i))
	}
	good := strings.Join(items, ",")
	bad := good + `,{"type":"Feature","properties":{"title":"x","text":"zu kurz","category":"gruen"}}`
	res, err := workshop.Import(ctx, st, d, strings.NewReader(`{"type":"FeatureCollection","features":[`+bad+`]}`), nil)
	if !errors.Is(err, workshop.ErrInvalid) || !strings.Contains(err.Error(), "contribution 1201") {
		t.Fatalf("err %v", err)
	}
	if res.Added != 1000 { // two batches of 500 committed before the bad one
		t.Fatalf("added %d before the error", res.Added)
	}
	res, err = workshop.Import(ctx, st, d, strings.NewReader(`{"type":"FeatureCollection","features":[`+good+`,`+items[0]+`]}`), nil)
	if err != nil || res.Added != 200 || res.Skipped != 1001 {
		t.Fatalf("second run %+v, %v", res, err)
	}
	n, _ := st.CountExportable(ctx, p.ID)
	if n != 1200 {
		t.Fatalf("%d stored", n)
	}
}

// FuzzDecode: whatever an import file holds, decoding never panics, and
// every contribution it lets through satisfies the rules a resident's
// submission must satisfy.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(bundle(okItem)))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","id":"a","geometry":{"type":"Polygon","coordinates":[[[9.95,53.55],[9.96,53.55],[9.96,53.56],[9.95,53.55]]]},"properties":{"title":"Fläche","text":"Eine Fläche für alle.","category":"gruen"}}]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":{"title":"abc","text":"0123456789","category":"gruen"}}],"x":[1,{"y":null}]}`))
	f.Add([]byte(`{"format":"mitreden-bundle","version":1,"contributions":[{}]}`))
	f.Add([]byte(`{"format":"mitreden-bundle","version":1e400}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[[[[[[[[[[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := decoder()
		p := d.Procedure
		_ = d.Decode(bytes.NewReader(data), func(it store.ImportItem) error {
			c := it.Contribution
			if it.Key == "" || c == nil || c.ID == "" {
				t.Fatalf("item without key or id: %+v", it)
			}
			n := utf8.RuneCountInString(c.Title)
			if !utf8.ValidString(c.Title) || !utf8.ValidString(c.Text) || n < model.TitleMin || n > model.TitleMax {
				t.Fatalf("title %q let through", c.Title)
			}
			if _, ok := p.Category(c.Category); !ok {
				t.Fatalf("category %q let through", c.Category)
			}
			if c.Geometry != nil {
				if err := geo.Validate(c.Geometry, p.Area, d.Limits); err != nil {
					t.Fatalf("geometry let through: %v", err)
				}
			}
			if !model.ValidOrigin(c.Origin) || !model.ValidStatus(c.Status) || (c.Status == model.Merged) != (c.MergedInto != "") || c.CreatedAt.After(now.Add(24*time.Hour)) {
				t.Fatalf("contribution let through: %+v", c)
			}
			for _, m := range it.Comments {
				if len(model.ValidateComment(m.Text, m.AuthorName)) > 0 {
					t.Fatalf("comment let through: %+v", m)
				}
			}
			return nil
		})
	})
}
