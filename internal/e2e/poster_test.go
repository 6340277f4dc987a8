package e2e

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// decodeQR reads the QR code in a PNG screenshot (gozxing, trying hard:
// the code may be one part of a larger picture).
func decodeQR(t *testing.T, shot []byte) string {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]interface{}{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("reading the QR code: %v", err)
	}
	return res.GetText()
}

// A planner opens the poster page (axe: no violations), opens the A4
// poster as SVG in the browser; the QR code on the screen, read by a QR
// reader, leads a resident's browser to the procedure's page.
func TestPosterQRCodeLeadsToTheProcedure(t *testing.T) {
	s := start(t, "")
	cmd := execBinary("user", "add", "--db", s.DB, "--email", "planerin@example.org", "--role", "planner", "--password-stdin")
	cmd.Stdin = strings.NewReader("ein sehr langes Passwort\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
	ctx := browser(t, chromedp.WindowSize(1000, 1300))
	var preview string
	run(t, ctx,
		chromedp.Navigate(s.URL+"/admin/p/gruenzug-altona/poster"),
		signIn("planerin@example.org", "ein sehr langes Passwort"),
		waitJS("the poster page with its preview", `(() => { const i = document.getElementById("poster-preview");
			return !!i && i.complete && i.naturalWidth > 0 && !!document.getElementById("poster-downloads"); })()`, 20*time.Second),
		chromedp.Evaluate(`document.getElementById("poster-preview-open").href`, &preview),
	)
	if v := axe(t, ctx); len(v) > 0 {
		t.Errorf("poster page: %d axe violations:\n  %s", len(v), strings.Join(v, "\n  "))
	}
	if !strings.Contains(preview, "format=svg") || !strings.Contains(preview, "size=A4") {
		t.Fatalf("preview link %q", preview)
	}
	var shot []byte
	run(t, ctx,
		chromedp.Navigate(preview),
		waitJS("the poster's SVG", `document.documentElement.localName === "svg" && document.documentElement.getAttribute("viewBox") === "0 0 210 297"`, 10*time.Second),
		chromedp.CaptureScreenshot(&shot),
	)
	addr := decodeQR(t, shot)
	if addr != s.URL+"/p/gruenzug-altona?src=poster" {
		t.Fatalf("the poster's QR code says %q", addr)
	}
	resident := browser(t)
	var h1 string
	run(t, resident,
		chromedp.Navigate(addr),
		waitJS("the procedure page", `!!document.querySelector("h1") && document.querySelector("h1").textContent.includes("Grünzug Altona")`, 10*time.Second),
		chromedp.Text("h1", &h1, chromedp.ByQuery),
	)
	if !strings.Contains(h1, "Grünzug Altona") {
		t.Fatalf("the QR code's address shows %q", h1)
	}
}
