// Package content embeds the built-in program packs, so the certlab binary
// runs alone. Each folder here is one pack; see docs/content-format.md.
package content

import "embed"

// FS holds the built-in packs, one folder each.
//
//go:embed all:az400 all:az104 all:az204
var FS embed.FS
