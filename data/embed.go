// Package data embeds the demo procedure and default content.
package data

import (
	"embed"
	"io/fs"
)

// FS holds the demo procedure under demo/ and the site pages under site/.
//
//go:embed demo site
var FS embed.FS

// SitePages names the site pages a public body must have, in footer order.
var SitePages = []string{"impressum", "datenschutz", "barrierefreiheit", "kontakt"}

// SitePage returns the Markdown of a site page (see SitePages) in one
// variant: "" for German, "en" for English, "easy" for Leichte Sprache
// (site/<name>.md, site/<name>.en.md, site/<name>.easy.md). ok is false for
// an unknown page or a missing variant.
func SitePage(name, variant string) (md string, ok bool) {
	known := false
	for _, n := range SitePages {
		known = known || n == name
	}
	if !known {
		return "", false
	}
	file := "site/" + name + ".md"
	if variant != "" {
		file = "site/" + name + "." + variant + ".md"
	}
	b, err := fs.ReadFile(FS, file)
	if err != nil {
		return "", false
	}
	return string(b), true
}
