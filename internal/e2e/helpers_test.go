package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"
)

type contextLike = context.Context

func firstContribution(t *testing.T, s *server) string {
	t.Helper()
	_, body := s.get(t, "/api/v1/procedures/gruenzug-altona/contributions?limit=1&sort=commented")
	var fc struct {
		Features []struct{ ID string } `json:"features"`
	}
	if err := json.Unmarshal([]byte(body), &fc); err != nil || len(fc.Features) == 0 {
		t.Fatalf("no contributions: %s", body)
	}
	return fc.Features[0].ID
}

// submitViaAPI posts a contribution and returns its manage token.
func submitViaAPI(t *testing.T, s *server, title string) string {
	t.Helper()
	tok, _ := post(t, s, title)
	return tok
}

func post(t *testing.T, s *server, title string) (token, id string) {
	t.Helper()
	body := fmt.Sprintf(`{"type":"Feature","geometry":{"type":"Point","coordinates":[9.945,53.556]},"properties":{"title":%q,"text":"Ein Beitrag aus dem Test mit genug Text.","category":"verkehr"}}`, title)
	res, err := http.Post(s.URL+"/api/v1/procedures/gruenzug-altona/contributions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 201 {
		t.Fatalf("submit: %d %s", res.StatusCode, b)
	}
	var f struct {
		ID         string `json:"id"`
		Properties struct {
			Token string `json:"manage_token"`
		} `json:"properties"`
	}
	_ = json.Unmarshal(b, &f)
	return f.Properties.Token, f.ID
}

func execBinary(args ...string) *exec.Cmd { return exec.Command(binary, args...) }

// hideViaAPI submits a contribution and hides it with a public reason
// through the moderation API, with a moderator's token made by the CLI on
// the running server's database; it returns the contribution's id.
func hideViaAPI(t *testing.T, s *server, title string) string {
	t.Helper()
	_, id := post(t, s, title)
	hide(t, s, id)
	return id
}

// hide hides contribution id through the moderation API.
func hide(t *testing.T, s *server, id string) {
	t.Helper()
	patchAsModerator(t, s, id, `{"status":"hidden","reason":"Enthält persönliche Daten."}`)
}

// patchAsModerator sends body as PATCH /api/v1/contributions/{id} with the
// token of a moderator made by the CLI on the running server's database,
// and expects 200.
func patchAsModerator(t *testing.T, s *server, id, body string) {
	t.Helper()
	email := fmt.Sprintf("mod-%d@example.org", time.Now().UnixNano())
	if out, err := execBinary("user", "add", "--db", s.DB, "--email", email, "--role", "moderator").CombinedOutput(); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
	out, err := execBinary("token", "create", "--db", s.DB, "--email", email).Output()
	if err != nil {
		t.Fatalf("token create: %v", err)
	}
	fields := strings.Fields(string(out))
	req, _ := http.NewRequest("PATCH", s.URL+"/api/v1/contributions/"+id, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+fields[len(fields)-1])
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("PATCH %s %s: %d", id, body, res.StatusCode)
	}
}
