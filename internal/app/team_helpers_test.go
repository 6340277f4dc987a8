package app_test

import (
	"cmp"
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/demo"
	"github.com/mitreden/mitreden/internal/model"
)

// otherSlug is a second procedure beside the demo's: a copy of it under
// another slug, made the way `mitreden procedure add` makes one.
const otherSlug = "hafenkante-nord"

const inArea = `{"type":"Point","coordinates":[9.9395,53.5535]}`

// addProcedure stores the demo procedure again under slug.
func (e *env) addProcedure(t *testing.T, slug string) *model.Procedure {
	t.Helper()
	ctx := context.Background()
	sub, _ := fsSub()
	seed, err := demo.ReadProcedure(sub, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	seed.Procedure.Slug, seed.Procedure.Title = slug, "Hafenkante Nord"
	if _, err := e.st.CreateProcedure(ctx, seed); err != nil {
		t.Fatal(err)
	}
	return e.proc(t, slug)
}

func (e *env) proc(t *testing.T, slug string) *model.Procedure {
	t.Helper()
	p, err := e.st.ProcedureBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (e *env) user(t *testing.T, email string) *model.User {
	t.Helper()
	u, err := e.st.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// scoped makes a planner or moderator who acts only in the procedures
// ids, signs them in and gives them an API token.
func (e *env) scoped(t *testing.T, email string, role model.Role, ids ...int64) (cookieJar, string, string) {
	t.Helper()
	ctx := context.Background()
	hash, _ := auth.HashPassword("ein langes Passwort")
	u := &model.User{Email: email, PasswordHash: hash, Role: role, Scoped: true, ProcedureIDs: ids}
	if err := e.st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	tok := auth.NewToken()
	if err := e.st.CreateToken(ctx, u.ID, auth.HashToken(tok)); err != nil {
		t.Fatal(err)
	}
	jar, csrf := e.signIn(t, email, role)
	return jar, csrf, tok
}

// published posts a contribution to the procedure slug with a comment on
// it and returns both ids.
func (e *env) published(t *testing.T, slug string) (string, int64) {
	t.Helper()
	r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
		feature(inArea, "Querung am Park", okText, "gruen"))
	if r.status != 201 {
		t.Fatalf("contribute to %s: %d %s", slug, r.status, r.body)
	}
	var c struct {
		ID string `json:"id"`
	}
	json.Unmarshal([]byte(r.body), &c)
	r = e.do(t, "POST", "/api/v1/contributions/"+c.ID+"/comments", "application/json", `{"text":"Das sehe ich genauso, bitte umsetzen."}`)
	if r.status != 201 {
		t.Fatalf("comment: %d %s", r.status, r.body)
	}
	var m struct {
		ID int64 `json:"id"`
	}
	json.Unmarshal([]byte(r.body), &m)
	return c.ID, m.ID
}

// subject names what a route's parameters stand for in one procedure.
type subject struct {
	slug, contribution string
	comment            int64
	file               string // an attachment's id ("1" when unset)
}

// fill puts s into the parameters of a route's path; ok is false for a
// parameter it does not know (the test then fails: a new route needs a
// value here).
func (s subject) fill(path string) (string, bool) {
	r := strings.NewReplacer(
		"/contributions/:id", "/contributions/"+s.contribution,
		"/comments/:id", "/comments/"+strconv.FormatInt(s.comment, 10),
		"/reports/:id", "/reports/1",
		"/files/:id/:name", "/files/"+cmp.Or(s.file, "1")+"/plan.pdf",
		"/feedback/:id", "/feedback/1",
		"/items/:id", "/items/"+s.contribution,
		":slug", s.slug,
		":page", "faq",
		":key", "variante-a",
		":format", "csv",
		":token", "kein-token",
	)
	out := r.Replace(path)
	return out, !strings.Contains(out, ":") && !strings.Contains(out, "*")
}

// form is a form body with the CSRF token.
func form(csrf string, kv ...string) string {
	v := url.Values{"_csrf": {csrf}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v.Encode()
}
