// Package migrations holds the PostgreSQL schema as versioned SQL files,
// embedded in the server binary and applied on start.
package migrations

import "embed"

// FS holds the migrations, named NNNNN_what.sql.
//
//go:embed *.sql
var FS embed.FS
