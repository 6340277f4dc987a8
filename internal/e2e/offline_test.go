package e2e

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

const offlineKey = "workshop-key-0123456789abcdef0123456789"

// tinyMBTiles writes an MBTiles file with one PNG tile (z 1, x 0, y 0 in
// XYZ) and returns its path and the tile's bytes.
func tinyMBTiles(t *testing.T) (string, []byte) {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	f := filepath.Join(t.TempDir(), "altona.mbtiles")
	db, err := sql.Open("sqlite3", f)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`CREATE TABLE metadata (name TEXT, value TEXT)`,
		`CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)`,
		`INSERT INTO metadata VALUES ('format', 'png'), ('attribution', 'Karte: Testdaten')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(`INSERT INTO tiles VALUES (1, 0, 1, ?)`, buf.Bytes()); err != nil { // TMS row 1 = XYZ y 0
		t.Fatal(err)
	}
	return f, buf.Bytes()
}

// run runs the binary and fails the test unless it exits 0.
func runOK(t *testing.T, env []string, args ...string) string {
	t.Helper()
	cmd := execBinary(args...)
	cmd.Env = append(os.Environ(), env...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("mitreden %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// client is a browser-like HTTP client with its own cookies (its own voter).
func client(t *testing.T) *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar}
}

func send(t *testing.T, c *http.Client, method, u, ctype, body string, want int) string {
	t.Helper()
	req, _ := http.NewRequest(method, u, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		t.Fatalf("%s %s: %d, want %d\n%.400s", method, u, res.StatusCode, want, b)
	}
	return string(b)
}

var csrfField = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// tableContribution sends the kiosk's form of a table link, as a person at
// the table does.
func tableContribution(t *testing.T, s *server, link, title string) {
	t.Helper()
	c := client(t)
	page := send(t, c, "GET", s.URL+link, "", "", 200)
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF field on the kiosk")
	}
	form := url.Values{"_csrf": {m[1]}, "title": {title}, "text": {"Am Werkstatt-Tisch gesagt und aufgeschrieben."},
		"category": {"gruen"}, "type": {"idee"}, "lat": {"53.5545"}, "lon": {"9.9405"}}
	send(t, c, "POST", s.URL+link, "application/x-www-form-urlencoded", form.Encode(), 201)
}

// bundleRecords exports a signed bundle of db and returns its contributions
// by id, with what may differ between instances (comment ids) removed.
func bundleRecords(t *testing.T, db, file string) map[string]map[string]any {
	t.Helper()
	runOK(t, []string{"MITREDEN_BUNDLE_KEY=" + offlineKey}, "export", "--db", db, "--procedure", "gruenzug-altona", "--format", "bundle", "--out", file)
	raw, _ := os.ReadFile(file)
	var b struct {
		Contributions []struct {
			Contribution map[string]any `json:"contribution"`
		} `json:"contributions"`
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, r := range b.Contributions {
		c := r.Contribution
		comments, _ := c["comments"].([]any)
		for _, m := range comments {
			delete(m.(map[string]any), "id")
			delete(m.(map[string]any), "parent_id")
		}
		out[c["id"].(string)] = c
	}
	return out
}

func TestOfflineWorkshopRoundTrip(t *testing.T) {
	dir := t.TempDir()
	central, laptop := filepath.Join(dir, "central.db"), filepath.Join(dir, "laptop.db")
	key := []string{"MITREDEN_BUNDLE_KEY=" + offlineKey}
	runOK(t, nil, "procedure", "add", "--db", central, "--dir", filepath.Join(rootDir, "data", "demo"))

	// 1. The procedure travels to the laptop.
	zipFile := filepath.Join(dir, "gruenzug.zip")
	runOK(t, nil, "export", "--db", central, "--procedure", "gruenzug-altona", "--format", "procedure", "--out", zipFile)
	runOK(t, nil, "procedure", "add", "--db", laptop, "--from", zipFile)

	// 2. The laptop serves it with an offline base map.
	mbtiles, tile := tinyMBTiles(t)
	s := start(t, laptop, "MITREDEN_TILE_MBTILES="+mbtiles)
	if code, body := s.get(t, "/tiles/1/0/0.png"); code != 200 || body != string(tile) {
		t.Fatalf("tile: %d (%d bytes, want %d)", code, len(body), len(tile))
	}
	if _, page := s.get(t, "/p/gruenzug-altona"); !strings.Contains(page, "/tiles/{z}/{x}/{y}.png") {
		t.Errorf("the procedure's map does not use the offline tiles")
	}

	// 3. A workshop: two tables, a resident online, comments and votes.
	tableContribution(t, s, tableLink(t, s, 1), "Bäume am Tisch 1")
	tableContribution(t, s, tableLink(t, s, 1), "Bänke am Tisch 1")
	tableContribution(t, s, tableLink(t, s, 2), "Licht am Tisch 2")
	_, online := post(t, s, "Online am Laptop")
	_, body := s.get(t, "/api/v1/procedures/gruenzug-altona/contributions?limit=100")
	var fc struct {
		Features []struct{ ID string } `json:"features"`
	}
	json.Unmarshal([]byte(body), &fc)
	if len(fc.Features) != 4 {
		t.Fatalf("laptop holds %d contributions, want 4", len(fc.Features))
	}
	for i, f := range fc.Features {
		for v := 0; v <= i; v++ { // votes from different people (cookies)
			send(t, client(t), "POST", s.URL+"/api/v1/contributions/"+f.ID+"/ratings", "application/json", fmt.Sprintf(`{"value":%d}`, 1-2*(v%2)), 200)
		}
		send(t, client(t), "POST", s.URL+"/api/v1/contributions/"+f.ID+"/comments", "application/json",
			fmt.Sprintf(`{"text":"Kommentar %d aus der Werkstatt.","author_name":"Gast %d"}`, i, i), 201)
	}
	send(t, client(t), "POST", s.URL+"/api/v1/contributions/"+online+"/comments", "application/json", `{"text":"Noch ein Gedanke dazu."}`, 201)
	origins := func(base string) string {
		var parts []string
		for _, o := range []string{"table:1", "table:2", "online"} {
			res, err := http.Get(base + "/api/v1/procedures/gruenzug-altona/contributions?limit=100&origin=" + url.QueryEscape(o))
			if err != nil {
				t.Fatal(err)
			}
			var fc struct{ Features []json.RawMessage }
			json.NewDecoder(res.Body).Decode(&fc)
			res.Body.Close()
			parts = append(parts, fmt.Sprintf("%s=%d", o, len(fc.Features)))
		}
		return strings.Join(parts, " ")
	}
	if got := origins(s.URL); got != "table:1=2 table:2=1 online=1" {
		t.Fatalf("origins on the laptop: %s", got)
	}

	// 4. The bundle goes back, signed.
	bundle := filepath.Join(dir, "werkstatt.json")
	want := bundleRecords(t, laptop, bundle)
	s.stop()
	orig, _ := os.ReadFile(bundle)

	// 5. Tampered copies are refused and change nothing.
	stateBefore := fileDigest(t, central)
	lines := strings.Split(string(orig), "\n")
	changed := bytes.Replace(orig, []byte("Licht am Tisch 2"), []byte("Licht am Tisch 3"), 1)
	for name, c := range map[string]struct {
		data []byte
		env  []string
		want string
	}{
		"one byte changed": {changed, key, "its signature does not match"},
		"truncated":        {orig[:len(orig)-40], key, "cut short"},
		"foreign key":      {orig, []string{"MITREDEN_BUNDLE_KEY=" + strings.Repeat("x", 40)}, "signed with another key"},
		"reordered":        {[]byte(strings.Join(append([]string{lines[0], lines[2], lines[1]}, lines[3:]...), "\n")), key, "stands at position"},
	} {
		f := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".json")
		os.WriteFile(f, c.data, 0o644)
		cmd := execBinary("import", "--db", central, "--procedure", "gruenzug-altona", f)
		cmd.Env = append(os.Environ(), c.env...)
		out, err := cmd.CombinedOutput()
		if cmd.ProcessState.ExitCode() != 2 || !strings.Contains(string(out), c.want) {
			t.Errorf("%s: %v, want exit 2 and %q:\n%s", name, err, c.want, out)
		}
		if fileDigest(t, central) != stateBefore {
			t.Fatalf("%s changed the central database", name)
		}
	}

	// 6. The real bundle: central keeps every contribution, comment, vote and origin.
	out := runOK(t, key, "import", "--db", central, "--procedure", "gruenzug-altona", bundle)
	if !strings.Contains(out, "imported 4 contributions") || !strings.Contains(out, "added 5 comments") || !strings.Contains(out, "10 ratings") {
		t.Fatalf("import: %s", out)
	}
	got := bundleRecords(t, central, filepath.Join(dir, "central.json"))
	if len(got) != len(want) {
		t.Fatalf("central holds %d contributions, the laptop %d", len(got), len(want))
	}
	for id, w := range want {
		wj, _ := json.Marshal(w)
		gj, _ := json.Marshal(got[id])
		if !bytes.Equal(wj, gj) {
			t.Errorf("contribution %s differs:\nlaptop  %s\ncentral %s", id, wj, gj)
		}
	}
	c := start(t, central)
	if got := origins(c.URL); got != "table:1=2 table:2=1 online=1" {
		t.Errorf("origins on central: %s", got)
	}
	ids := make([]string, 0, len(want))
	for id := range want {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	if code, _ := c.get(t, "/p/gruenzug-altona/contributions/"+ids[0]); code != 200 {
		t.Errorf("imported contribution page: %d", code)
	}
}

// fileDigest is the database file's bytes (with its WAL, if any) as a
// string to compare.
func fileDigest(t *testing.T, db string) string {
	t.Helper()
	var b []byte
	for _, f := range []string{db, db + "-wal"} {
		x, _ := os.ReadFile(f)
		b = append(b, x...)
	}
	return string(b)
}
