// Package data embeds the demo procedure and default content.
package data

import "embed"

// FS holds the demo procedure under demo/.
//
//go:embed demo
var FS embed.FS
