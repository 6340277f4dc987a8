package model

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"
)

func openProcedure(now time.Time) *Procedure {
	return &Procedure{Settings: DefaultSettings(),
		Phases:     []Phase{{Kind: PhaseParticipation, StartsAt: now.Add(-time.Hour), EndsAt: now.Add(time.Hour)}},
		Categories: []Category{{Key: "gruen"}}, Types: []Type{{Key: "idee"}}}
}

func TestValidateContribution(t *testing.T) {
	now := time.Now()
	p := openProcedure(now)
	ok := ContributionInput{Title: "Mehr Bäume", Text: "Bitte pflanzt hier Bäume.", Category: "gruen", Type: "idee", GeometryType: "Point"}
	if errs := p.ValidateContribution(ok, now); len(errs) != 0 {
		t.Fatalf("valid input rejected: %v", errs)
	}
	cases := []struct {
		name  string
		edit  func(*ContributionInput)
		field string
		code  string
	}{
		{"short title", func(i *ContributionInput) { i.Title = "ab" }, "title", "too_short"},
		{"long title", func(i *ContributionInput) { i.Title = strings.Repeat("x", 201) }, "title", "too_long"},
		{"empty text", func(i *ContributionInput) { i.Text = "" }, "text", "required"},
		{"short text", func(i *ContributionInput) { i.Text = "zu kurz" }, "text", "too_short"},
		{"long text", func(i *ContributionInput) { i.Text = strings.Repeat("ä", 5001) }, "text", "too_long"},
		{"invalid utf8", func(i *ContributionInput) { i.Text = "abc\xff\xfedefghijk" }, "text", "invalid_utf8"},
		{"control", func(i *ContributionInput) { i.Title = "a\x00bc" }, "title", "control_chars"},
		{"no category", func(i *ContributionInput) { i.Category = "" }, "category", "required"},
		{"unknown category", func(i *ContributionInput) { i.Category = "x" }, "category", "unknown_category"},
		{"unknown type", func(i *ContributionInput) { i.Type = "x" }, "type", "unknown_type"},
		{"long pseudonym", func(i *ContributionInput) { i.AuthorName = strings.Repeat("n", 81) }, "author_name", "too_long"},
		{"bad origin", func(i *ContributionInput) { i.Origin = "table:0" }, "origin", "unknown_origin"},
	}
	for _, c := range cases {
		in := ok
		c.edit(&in)
		errs := p.ValidateContribution(in, now)
		if len(errs) != 1 || errs[0].Field != c.field || errs[0].Code != c.code {
			t.Errorf("%s: %v, want %s/%s", c.name, errs, c.field, c.code)
		}
	}
	// Text length is configurable per procedure.
	p.Settings.TextMax = 20
	if errs := p.ValidateContribution(ok, now); !errs.Has("text") {
		t.Error("per-procedure text maximum not applied")
	}
	p.Settings = DefaultSettings()
	p.Settings.GeometryTypes = []string{"Point"}
	in := ok
	in.GeometryType = "none"
	if errs := p.ValidateContribution(in, now); !errs.Has("geometry") {
		t.Error("disallowed geometry type accepted")
	}
}

func TestPhasesDecideOpenAndStatus(t *testing.T) {
	now := time.Now()
	p := openProcedure(now)
	if !p.ParticipationOpen(now) || p.Status(now) != StatusRunning {
		t.Fatal("should be open and running")
	}
	if p.ParticipationOpen(now.Add(2*time.Hour)) || p.Status(now.Add(2*time.Hour)) != StatusFinished {
		t.Fatal("should be closed and finished after the end")
	}
	if p.Status(now.Add(-2*time.Hour)) != StatusUpcoming {
		t.Fatal("should be upcoming before the start")
	}
	errs := p.ValidateContribution(ContributionInput{Title: "Titel", Text: "Genug Text hier.", Category: "gruen"}, now.Add(2*time.Hour))
	if !errs.Has("phase") {
		t.Fatal("closed phase not reported")
	}
	info := &Procedure{Phases: []Phase{{Kind: PhaseInformation, StartsAt: now.Add(-time.Hour), EndsAt: now.Add(time.Hour)}}}
	if info.ParticipationOpen(now) {
		t.Fatal("an information phase does not allow contributions")
	}
}

func TestOriginsAndSlugs(t *testing.T) {
	for _, o := range []string{"online", "import", "table:1", "table:999"} {
		if !ValidOrigin(o) {
			t.Errorf("%s rejected", o)
		}
	}
	for _, o := range []string{"", "table:", "table:0", "table:1000", "Table:1", "offline"} {
		if ValidOrigin(o) {
			t.Errorf("%s accepted", o)
		}
	}
	if n, ok := TableNumber("table:12"); !ok || n != 12 {
		t.Error("table number")
	}
	for _, s := range []string{"a", "gruenzug-altona", "b-2"} {
		if !ValidSlug(s) {
			t.Errorf("slug %s rejected", s)
		}
	}
	for _, s := range []string{"", "-a", "a-", "A", "a_b", "ä", strings.Repeat("a", 65)} {
		if ValidSlug(s) {
			t.Errorf("slug %q accepted", s)
		}
	}
	// The hand-written check agrees with the rule as a regular expression.
	re := regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$`)
	rng := rand.New(rand.NewPCG(1, 2))
	const chars = "ab09-_Aä."
	for i := 0; i < 20000; i++ {
		b := make([]byte, rng.IntN(70))
		for j := range b {
			b[j] = chars[rng.IntN(len(chars))]
		}
		if s := string(b); ValidSlug(s) != re.MatchString(s) {
			t.Fatalf("ValidSlug(%q) = %v, the rule says %v", s, ValidSlug(s), re.MatchString(s))
		}
	}
}
