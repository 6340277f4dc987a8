// Package themes embeds the default theme: templates, static assets and
// theme.toml. A themes directory on disk can add or override files.
package themes

import "embed"

// FS holds the embedded themes, one folder each.
//
//go:embed all:default
var FS embed.FS
