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
