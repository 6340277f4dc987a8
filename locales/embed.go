// Package locales embeds the interface message files (go-i18n, TOML), one
// per locale; de.toml is the source.
package locales

import "embed"

// FS holds the message files.
//
//go:embed *.toml
var FS embed.FS
