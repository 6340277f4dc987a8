package auth

import (
	"os"
	"path/filepath"
	"testing"
)

func TestTableKeysBindSlugTableAndSecret(t *testing.T) {
	s := []byte("0123456789abcdef0123456789abcdef")
	k := TableKey(s, "plan", 3)
	if !CheckTableKey(s, "plan", 3, k) {
		t.Fatal("own key refused")
	}
	for _, bad := range []struct {
		secret []byte
		slug   string
		n      int
		key    string
	}{{s, "plan", 4, k}, {s, "plan2", 3, k}, {[]byte("other"), "plan", 3, k}, {s, "plan", 3, ""}, {s, "plan", 3, k[:10]}, {nil, "plan", 3, TableKey(nil, "plan", 3)}} {
		if CheckTableKey(bad.secret, bad.slug, bad.n, bad.key) {
			t.Errorf("accepted %+v", bad)
		}
	}
}

func TestLoadSecretKeepsOneFileBesideTheDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	a, err := LoadSecret("", db)
	if err != nil || len(a) < 32 {
		t.Fatalf("%q %v", a, err)
	}
	fi, err := os.Stat(db + ".secret")
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("secret file %v %v", fi, err)
	}
	if b, _ := LoadSecret("", db); string(b) != string(a) {
		t.Fatal("a second start made a new secret")
	}
	if c, _ := LoadSecret("configured-secret-key", db); string(c) != "configured-secret-key" {
		t.Fatal("the configured secret does not win")
	}
	if err := os.WriteFile(db+".secret", []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadSecret("", db); err == nil {
		t.Fatal("an empty secret file was accepted")
	}
}
