package e2e

import (
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// tableLink asks the binary for the kiosk address of table n of the demo
// procedure on s's database (mitreden table link), as a planner would.
func tableLink(t testing.TB, s *server, n int) string {
	t.Helper()
	out, err := exec.Command(binary, "table", "link", "--procedure", "gruenzug-altona", "--table", strconv.Itoa(n), "--db", s.DB).Output()
	if err != nil {
		t.Fatalf("mitreden table link: %v", err)
	}
	link := strings.TrimSpace(string(out))
	if !strings.HasPrefix(link, "/table/gruenzug-altona?table="+strconv.Itoa(n)+"&key=") {
		t.Fatalf("mitreden table link printed %q", link)
	}
	return link
}
