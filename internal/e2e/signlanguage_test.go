package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The start page leads to Leichte Sprache and German Sign Language (BITV
// 2.0 §4); an administrator uploads the sign-language video with captions
// in the back office and residents see it; every page on the way passes
// axe, at 320 px without sideways scrolling.
func TestSignLanguageAndEasyEntryPointsInTheBrowser(t *testing.T) {
	s := start(t, "")
	cmd := execBinary("user", "add", "--db", s.DB, "--email", "admin@example.org", "--role", "admin", "--password-stdin")
	cmd.Stdin = strings.NewReader("ein sehr langes Passwort\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
	dir := t.TempDir()
	video, captions := filepath.Join(dir, "dgs.mp4"), filepath.Join(dir, "dgs.vtt")
	mp4 := "\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + strings.Repeat("\x00\x01\x02\x03", 64)
	if err := os.WriteFile(video, []byte(mp4), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(captions, []byte("WEBVTT\n\n00:00.000 --> 00:04.000\nWillkommen.\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx := sized(t, 320, 720)
	check := func(page string) {
		t.Helper()
		if v := axe(t, ctx); len(v) > 0 {
			t.Errorf("%s: %d axe violations:\n  %s", page, len(v), strings.Join(v, "\n  "))
		}
		if width := pageWidth(t, ctx, 320); width > 320 {
			t.Errorf("%s is %v px wide at 320 px", page, width)
		}
	}
	// The start page's entry points: Leichte Sprache switches to the easy layout.
	run(t, ctx, chromedp.Navigate(s.URL+"/?lang=ar"), waitJS("the entry points", `document.querySelectorAll(".access-links a").length === 2`, 10*time.Second))
	check("start page (ar)")
	run(t, ctx, chromedp.Navigate(s.URL+"/"), waitJS("the entry points", `!!document.querySelector('.access-links a[hreflang="de-x-ls"]')`, 10*time.Second),
		waitJS("a click on Leichte Sprache", `(document.querySelector('.access-links a[hreflang="de-x-ls"]').click(), true)`, 5*time.Second),
		waitJS("the easy layout", `document.documentElement.dataset.locale === "de-x-ls"`, 10*time.Second))
	check("start page (de-x-ls)")
	run(t, ctx, waitJS("a click on the sign-language entry", `(document.querySelector('.access-links a[href="/gebaerdensprache"]').click(), true)`, 5*time.Second),
		waitJS("the sign-language page", `location.pathname === "/gebaerdensprache" && !!document.querySelector(".dgs-heading")`, 10*time.Second))
	check("sign-language page, no video yet")
	// The administrator uploads the video and its captions.
	run(t, ctx, chromedp.Navigate(s.URL+"/admin/site?lang=de"), signIn("admin@example.org", "ein sehr langes Passwort"),
		waitJS("the site page", `!!document.getElementById("video-form")`, 10*time.Second))
	check("back office: site content")
	run(t, ctx, chromedp.SetUploadFiles("#video", []string{video}, chromedp.ByID), chromedp.SetUploadFiles("#captions", []string{captions}, chromedp.ByID),
		waitJS("the upload", `(document.querySelector("#video-form button[type=submit]").click(), true)`, 5*time.Second),
		waitJS("the saved notice", `!!document.getElementById("admin-notice") && !!document.querySelector("#video-current a")`, 10*time.Second))
	run(t, ctx, chromedp.Navigate(s.URL+"/admin/site/pages/kontakt/ar"), waitJS("the page editor", `!!document.getElementById("site-page-form")`, 10*time.Second))
	check("back office: site page editor")
	run(t, ctx, chromedp.Navigate(s.URL+"/admin/p/gruenzug-altona/video"), waitJS("the procedure's video page", `!!document.getElementById("video-form")`, 10*time.Second))
	check("back office: procedure video")
	// Residents see the video with its captions track, on the site's page and the procedure's.
	for _, p := range []string{"/gebaerdensprache?lang=de", "/p/gruenzug-altona/gebaerdensprache?lang=uk"} {
		var src, track string
		run(t, ctx, chromedp.Navigate(s.URL+p), waitJS("the video", `!!document.querySelector("video.dgs-video source")`, 10*time.Second),
			chromedp.Evaluate(`document.querySelector("video.dgs-video source").getAttribute("src")`, &src),
			chromedp.Evaluate(`document.querySelector("video.dgs-video track[kind=captions]").getAttribute("src")`, &track))
		if src != "/gebaerdensprache/video" || track != "/gebaerdensprache/captions.vtt" {
			t.Errorf("%s: video %q, captions %q", p, src, track)
		}
		check(p)
	}
}
