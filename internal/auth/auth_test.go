package auth

import (
	"strings"
	"sync"
	"testing"

	"github.com/mitreden/mitreden/internal/model"
)

func TestPasswordHashing(t *testing.T) {
	if _, err := HashPassword("kurz"); err != ErrWeakPassword {
		t.Fatalf("short password: %v", err)
	}
	h, err := HashPassword("ein langes Passwort")
	if err != nil || !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("hash %q, %v", h, err)
	}
	if !CheckPassword(h, "ein langes Passwort") || CheckPassword(h, "ein langes Passwort!") || CheckPassword("", "x") || CheckPassword("$argon2id$x", "x") {
		t.Fatal("check")
	}
	// a hash asking for far more memory or time than this program uses is refused, not computed
	greedy := strings.Replace(h, "m=65536,t=3", "m=4194304,t=3", 1)
	if CheckPassword(greedy, "ein langes Passwort") {
		t.Fatal("greedy parameters accepted")
	}
	h2, _ := HashPassword("ein langes Passwort")
	if h2 == h {
		t.Fatal("no salt")
	}
}

func TestConcurrentChecksStayCorrect(t *testing.T) {
	h, _ := HashPassword("ein langes Passwort")
	var wg sync.WaitGroup
	for i := 0; i < 6; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if CheckPassword(h, "ein langes Passwort") != true || CheckPassword(h, "falsch") {
				t.Error("wrong result under concurrency")
			}
		}(i)
	}
	wg.Wait()
	if len(hashSlots) != 0 {
		t.Fatal("slots not given back")
	}
}

func TestRoles(t *testing.T) {
	for _, c := range []struct {
		role   model.Role
		action string
		want   bool
	}{
		{model.RoleModerator, "moderate", true}, {model.RoleModerator, "respond", false}, {model.RoleModerator, "export", false},
		{model.RolePlanner, "export", true}, {model.RolePlanner, "manage_users", false}, {model.RoleAdmin, "manage_users", true},
		{model.RoleAdmin, "unknown", false},
	} {
		if Can(c.role, c.action) != c.want {
			t.Errorf("%s %s", c.role, c.action)
		}
	}
}
