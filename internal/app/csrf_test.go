package app_test

import (
	"net/url"
	"strings"
	"testing"
)

func csrfOf(t *testing.T, r result) (token, cookie string) {
	t.Helper()
	token = csrfToken(t, r.body)
	for _, c := range r.header.Values("Set-Cookie") {
		if strings.HasPrefix(c, "mitreden_csrf=") {
			cookie = strings.SplitN(c, ";", 2)[0]
		}
	}
	if cookie == "" {
		t.Fatal("no CSRF cookie set")
	}
	return token, cookie
}

// The server keeps no CSRF state: a token handed out by one server process
// is accepted by another (so nothing is stored per cookieless GET; before,
// each one left an entry in memory for 12 hours). Forged, missing and
// cross-site posts are refused.
func TestCSRFTokensCostTheServerNoMemory(t *testing.T) {
	a := newEnv(t, nil)
	b := newEnv(t, nil)
	for i := 0; i < 50; i++ {
		if r := a.do(t, "GET", "/p/"+slug+"/contribute", "", ""); r.status != 200 {
			t.Fatalf("form page = %d", r.status)
		}
	}
	token, cookie := csrfOf(t, a.do(t, "GET", "/p/"+slug+"/contribute", "", ""))
	form := url.Values{"_csrf": {token}, "title": {"Von anderswo"}, "text": {okText}, "category": {"verkehr"}, "place": {"Bahnhof Altona"}}
	post := func(e *env, f url.Values, hdr ...string) int {
		return e.do(t, "POST", "/p/"+slug+"/contribute", "application/x-www-form-urlencoded", f.Encode(), hdr...).status
	}
	if got := post(b, form, "Cookie", cookie); got != 201 {
		t.Fatalf("token from another process = %d, want 201", got)
	}
	// A page revisited with its cookie keeps the same token.
	again, _ := csrfOfWithCookie(t, a, cookie)
	if again != token {
		t.Fatal("the token changed although the browser sent its cookie")
	}
	forged := url.Values{}
	for k, v := range form {
		forged[k] = v
	}
	forged.Set("_csrf", strings.Repeat("A", 43))
	cases := []struct {
		name string
		f    url.Values
		hdr  []string
	}{
		{"forged token", forged, []string{"Cookie", cookie}},
		{"no cookie", form, nil},
		{"cookie and token from an attacker's own visit, posted cross-site", form, []string{"Cookie", cookie, "Sec-Fetch-Site", "cross-site"}},
		{"foreign origin", form, []string{"Cookie", cookie, "Origin", "https://evil.example"}},
	}
	for _, c := range cases {
		if got := post(a, c.f, c.hdr...); got != 403 {
			t.Errorf("%s = %d, want 403", c.name, got)
		}
	}
	if got := post(a, form, "Cookie", cookie, "Sec-Fetch-Site", "same-origin", "Origin", "http://example.com"); got != 201 {
		t.Errorf("same-origin post = %d, want 201", got)
	}
}

func csrfOfWithCookie(t *testing.T, e *env, cookie string) (string, result) {
	t.Helper()
	r := e.do(t, "GET", "/p/"+slug+"/contribute", "", "", "Cookie", cookie)
	return csrfToken(t, r.body), r
}
