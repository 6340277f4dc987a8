package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/model"
)

// box is a rectangle as a GeoJSON polygon.
func box(w, s, e, n float64) string {
	return fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}`, w, s, e, s, e, n, w, n, w, s)
}

// placed writes published contributions of the procedure at the given
// places (nil: without a place) and one hidden one at the first place.
func (e *env) placed(t *testing.T, procSlug string, geoms []orb.Geometry) {
	t.Helper()
	p := e.proc(t, procSlug)
	now := time.Now()
	var cs []*model.Contribution
	for i, g := range append(geoms, geoms[0]) {
		st := model.Published
		if i == len(geoms) {
			st = model.Hidden
		}
		cs = append(cs, &model.Contribution{ID: uuid.NewString(), ProcedureID: p.ID, Category: "", Title: fmt.Sprintf("Ort %d", i),
			Text: "Hier fehlt eine sichere Querung für Kinder.", Geometry: g, Origin: "online", Status: st, CreatedAt: now, UpdatedAt: now})
	}
	if err := e.st.InsertContributions(context.Background(), cs); err != nil {
		t.Fatal(err)
	}
}

// Issue 18, places: planners draw sub-areas (a name and one polygon) in
// the back office; a bad polygon is refused with its message; the analysis
// page and the API count the published contributions per sub-area — points
// by their place, lines and areas by their centroid.
func TestSubAreasAreDrawnCheckedAndCounted(t *testing.T) {
	e := newEnv(t, nil)
	a := newAuthor(t, e)
	const s = "teilgebiete"
	a.create(t, s, "Teilgebiete")
	pt := func(lon, lat float64) orb.Geometry { return orb.Point{lon, lat} }
	e.placed(t, s, []orb.Geometry{
		pt(9.931, 53.551), pt(9.932, 53.552), pt(9.933, 53.553), pt(9.934, 53.554), pt(9.939, 53.555), // west: 5 points
		// a line whose bound's centre (9.941) is in the east but whose
		// centroid (about 9.9384, by length) is in the west
		orb.LineString{{9.931, 53.551}, {9.937, 53.551}, {9.931, 53.5512}, {9.937, 53.5512}, {9.951, 53.5514}},
		pt(9.941, 53.551), pt(9.945, 53.552), pt(9.949, 53.555), // east: 3 points
		orb.Polygon{{{9.942, 53.552}, {9.946, 53.552}, {9.946, 53.554}, {9.942, 53.554}, {9.942, 53.552}}}, // east: an area
		pt(9.960, 53.551), pt(9.961, 53.552), // in neither
		nil, nil, // without a place
	})
	path := "/admin/p/" + s + "/subareas"

	// Refused: no name, a ring that crosses itself, a point, broken JSON.
	bowtie := `{"type":"Polygon","coordinates":[[[9.93,53.55],[9.94,53.556],[9.94,53.55],[9.93,53.556],[9.93,53.55]]]}`
	for _, bad := range []struct{ name, geom, want string }{
		{"", box(9.93, 53.55, 9.94, 53.556), "Bitte füllen Sie dieses Feld aus."},
		{"Schleife", bowtie, "Die Fläche überschneidet sich selbst."},
		{"Punkt", `{"type":"Point","coordinates":[9.93,53.55]}`, "muss eine Fläche (Polygon) sein"},
		{"Kaputt", `{"type":`, "GeoJSON"},
	} {
		r := a.post(t, path, url.Values{"source": {"geojson"}, "name": {bad.name}, "geometry": {bad.geom}})
		if r.status != 422 || !strings.Contains(r.body, `id="error-summary"`) || !strings.Contains(r.body, bad.want) || !strings.Contains(r.body, `value="`+bad.name+`"`) {
			t.Fatalf("%q: %d, want 422 with %q: %.2000s", bad.name, r.status, bad.want, r.body)
		}
	}
	before := a.version(t, s)
	for _, sub := range []struct{ name, geom string }{{"West", box(9.930, 53.550, 9.940, 53.556)}, {"Ost", box(9.940, 53.550, 9.950, 53.556)}} {
		if r := a.post(t, path, url.Values{"source": {"geojson"}, "name": {sub.name}, "geometry": {sub.geom}}); r.status != 303 {
			t.Fatalf("save %s: %d %.500s", sub.name, r.status, r.body)
		}
	}
	// Typed coordinates work as for the planning area.
	if r := a.post(t, path, url.Values{"source": {"coords"}, "name": {"Nord"}, "coords": {"53.60, 9.93\n53.60, 9.95\n53.61, 9.95\n53.61, 9.93"}}); r.status != 303 {
		t.Fatalf("save by coordinates: %d %.500s", r.status, r.body)
	}
	if a.version(t, s) != before+3 {
		t.Fatalf("version %d after three sub-areas, was %d", a.version(t, s), before)
	}
	log, err := e.st.AuditLog(context.Background(), 20)
	if err != nil {
		t.Fatal(err)
	}
	adds := 0
	for _, en := range log {
		if en.Action == "sub_area.add" && en.Actor == "planerin@example.org" {
			adds++
		}
	}
	if adds != 3 {
		t.Fatalf("%d audited sub-area additions", adds)
	}

	want := map[string]int{"sub_area:West": 6, "sub_area:Ost": 4, "sub_area:Nord": 0, "sub_area_elsewhere": 2, "sub_area_unplaced": 2, "published": 14}
	api := e.do(t, "GET", "/api/v1/procedures/"+s+"/analysis", "", "", "Authorization", "Bearer "+e.token(t, "api@example.org", model.RolePlanner))
	var got struct {
		Counts   map[string]int
		SubAreas []struct {
			ID    int64
			Name  string
			Count int
		} `json:"sub_areas"`
	}
	if err := json.Unmarshal([]byte(api.body), &got); err != nil || api.status != 200 {
		t.Fatalf("API: %d %v %.300s", api.status, err, api.body)
	}
	for k, n := range want {
		if got.Counts[k] != n {
			t.Fatalf("counts[%s] = %d, want %d (%v)", k, got.Counts[k], n, got.Counts)
		}
	}
	if len(got.SubAreas) != 3 || got.SubAreas[0].Name != "West" || got.SubAreas[0].Count != 6 || got.SubAreas[1].Count != 4 {
		t.Fatalf("sub_areas %+v", got.SubAreas)
	}
	page := a.get(t, "/admin/p/"+s+"/analysis")
	for _, row := range []string{`<th scope="row">West</th><td>6</td>`, `<th scope="row">Ost</th><td>4</td>`, `<th scope="row">Nord</th><td>0</td>`,
		`id="subarea-counts"`, `Beiträge je Teilgebiet</title>`, `&#34;count&#34;:6,&#34;name&#34;:&#34;West&#34;`} {
		if !strings.Contains(page.body, row) {
			t.Fatalf("analysis page lacks %s", row)
		}
	}

	// Renamed and redrawn, then deleted.
	west := got.SubAreas[0].ID
	if r := a.get(t, fmt.Sprintf("%s?edit=%d", path, west)); r.status != 200 || !strings.Contains(r.body, `value="West"`) || !strings.Contains(r.body, "9.93") {
		t.Fatalf("edit form: %d", r.status)
	}
	if r := a.post(t, path, url.Values{"id": {fmt.Sprint(west)}, "source": {"geojson"}, "name": {"Westteil"}, "geometry": {box(9.930, 53.550, 9.9386, 53.556)}}); r.status != 303 {
		t.Fatalf("update: %d", r.status)
	}
	if page := a.get(t, "/admin/p/"+s+"/analysis"); !strings.Contains(page.body, `<th scope="row">Westteil</th><td>5</td>`) {
		t.Fatal("the redrawn sub-area does not count its 5 contributions (4 points and the line's centroid)")
	}
	if r := a.post(t, path+"/delete", url.Values{"id": {fmt.Sprint(west)}}); r.status != 303 {
		t.Fatalf("delete: %d", r.status)
	}
	if r := a.get(t, path); strings.Contains(r.body, "Westteil") || !strings.Contains(r.body, "Ost") {
		t.Fatal("the deleted sub-area is still listed")
	}
	// A GeoJSON file, as the planning area takes one.
	file := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":` + box(9.930, 53.550, 9.9386, 53.556) + `}]}`
	if r := a.upload(t, path, map[string]string{"source": "file", "name": "Aus der Datei"}, "file", "teil.geojson", []byte(file)); r.status != 303 {
		t.Fatalf("upload: %d %.500s", r.status, r.body)
	}
	if page := a.get(t, "/admin/p/"+s+"/analysis"); !strings.Contains(page.body, `<th scope="row">Aus der Datei</th><td>5</td>`) {
		t.Fatal("the uploaded sub-area does not count its 5 contributions")
	}
	// Moderators read the analysis but do not draw sub-areas.
	mod, _ := e.signIn(t, "mod@example.org", model.RoleModerator)
	if r := e.do(t, "GET", path, "", "", "Cookie", mod.header()); r.status != 403 {
		t.Fatalf("a moderator on the sub-area editor: %d", r.status)
	}
}
