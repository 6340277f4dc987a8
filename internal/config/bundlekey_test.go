package config_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/config"
)

func serve(t *testing.T, env map[string]string, args ...string) (config.Config, error) {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	done := config.ServeFlags(fs, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	return done()
}

func TestBundleKeyFromTheEnvironmentOrAFile(t *testing.T) {
	key := strings.Repeat("a", 32)
	if c, err := serve(t, map[string]string{"MITREDEN_BUNDLE_KEY": key}); err != nil || c.BundleKey != key {
		t.Fatalf("env: %q %v", c.BundleKey, err)
	}
	f := filepath.Join(t.TempDir(), "key")
	if err := os.WriteFile(f, []byte(key+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if c, err := serve(t, nil, "--bundle-key-file", f); err != nil || c.BundleKey != key {
		t.Fatalf("file: %q %v", c.BundleKey, err)
	}
	if _, err := serve(t, map[string]string{"MITREDEN_BUNDLE_KEY": "short"}); err == nil || !strings.Contains(err.Error(), "at least 32 bytes") {
		t.Fatalf("short key: %v", err)
	}
	if _, err := serve(t, nil, "--bundle-key-file", f+".missing"); err == nil {
		t.Fatal("a missing key file is accepted")
	}
}
