// Package assets holds the files the programs embed: the templates of the
// mails the server sends, and the browser panel's HTML, CSS and scripts
// (the shell around the panel's WebAssembly module, and the standalone
// password-reset page).
package assets

import "embed"

// Mail holds the mail templates, one per kind: mail/<kind>.tmpl. The first
// line is "Subject: …"; the rest, after a blank line, is the plain-text body.
//
//go:embed mail/*.tmpl
var Mail embed.FS

// Panel holds the panel's static files under panel/.
//
//go:embed panel/*
var Panel embed.FS

// Bell is the notification bell icon (SVG, drawn in black for theming).
//
//go:embed bell.svg
var Bell []byte

// Icon is the app icon (512×512 PNG): the desktop app's window and
// package icon, and the Windows executable's.
//
//go:embed icon.png
var Icon []byte
