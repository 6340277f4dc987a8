package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestAnalyseWritesEachFormatAndRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "a.db")
	const proc = "gruenzug-altona"
	if code, _, stderr := runCLI(t, "", nil, "demo", "--db", db, "--contributions", "120"); code != 0 {
		t.Fatal(stderr)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"analyse", "--db", db, "--format", "pdf"}, "--procedure is required"},
		{[]string{"analyse", "--db", db, "--procedure", "nope", "--format", "pdf"}, `no procedure "nope"`},
		{[]string{"analyse", "--db", db, "--procedure", proc, "--format", "docx"}, `unknown format "docx"`},
		{[]string{"analyse", "--db", db, "--procedure", proc}, `unknown format ""`},
		{[]string{"analyse", "--db", db, "--procedure", proc, "--format", "pdf", "--locale", "xx"}, `unknown locale "xx"`},
		{[]string{"analyse", "--db", filepath.Join(dir, "none.db"), "--procedure", proc, "--format", "json"}, "not found"},
	} {
		code, out, stderr := runCLI(t, "", nil, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) || out != "" {
			t.Errorf("%v: exit %d, stdout %d bytes, stderr %q; want 2 and %q", c.args, code, len(out), stderr, c.want)
		}
	}
	// json on standard output, in the API's shape
	code, out, stderr := runCLI(t, "", nil, "analyse", "--db", db, "--procedure", proc, "--format", "json")
	if code != 0 {
		t.Fatalf("json: %d %q", code, stderr)
	}
	var doc struct {
		Topics []struct {
			Label         string   `json:"label"`
			Terms         []string `json:"terms"`
			Contributions []string `json:"contributions"`
		} `json:"topics"`
		Duplicates []map[string]any `json:"duplicates"`
		Keywords   []map[string]any `json:"keywords"`
		Counts     map[string]int   `json:"counts"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("json: %v\n%s", err, out)
	}
	if doc.Counts["published"] == 0 || len(doc.Topics) == 0 || len(doc.Topics[0].Contributions) == 0 || doc.Keywords == nil || doc.Duplicates == nil {
		t.Fatalf("json analysis: %+v", doc)
	}
	// the files, each what its name says
	for format, magic := range map[string]string{"pdf": "%PDF-", "xlsx": "PK\x03\x04", "gpkg": "SQLite format 3\x00"} {
		path := filepath.Join(dir, "analysis."+format)
		code, _, stderr := runCLI(t, "", nil, "analyse", "--db", db, "--procedure", proc, "--format", format, "--locale", "en", "--out", path)
		if code != 0 || !strings.Contains(stderr, "wrote the "+format+" analysis") {
			t.Fatalf("%s: %d %q", format, code, stderr)
		}
		b, err := os.ReadFile(path)
		if err != nil || !bytes.HasPrefix(b, []byte(magic)) {
			t.Fatalf("%s: %v, starts %q", format, err, b[:min(16, len(b))])
		}
	}
	// the synopsis grouped by topic
	syn := filepath.Join(dir, "synopse.xlsx")
	if code, _, stderr := runCLI(t, "", nil, "export", "--db", db, "--procedure", proc, "--format", "synopsis", "--group", "topic", "--out", syn); code != 0 {
		t.Fatalf("synopsis by topic: %d %q", code, stderr)
	}
	if code, _, stderr := runCLI(t, "", nil, "export", "--db", db, "--procedure", proc, "--format", "csv", "--group", "topic", "--out", syn); code != 2 || !strings.Contains(stderr, "only the synopsis groups") {
		t.Fatalf("csv by topic: %d %q", code, stderr)
	}
	if code, out, stderr := runCLI(t, "", nil, "analyse", "--help"); code != 0 || !strings.Contains(out+stderr, "Usage: mitreden analyse") {
		t.Fatalf("help: %d %q", code, out+stderr)
	}
	if code, out, _ := runCLI(t, "", nil, "--help"); code != 0 || !strings.Contains(out, "analyse") {
		t.Fatalf("the command list lacks analyse: %q", out)
	}
}
