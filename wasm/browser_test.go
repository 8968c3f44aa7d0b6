//go:build !js

package main

import (
	"testing"

	"github.com/dialnexa/account/internal/browsertest"
)

// TestPanelInChromium runs the panel's DOM tests (the js-only test files
// here) in Debian's Chromium: how the panel lays out core's view models,
// and what it holds on to.
func TestPanelInChromium(t *testing.T) {
	browsertest.Run(t, ".", "^TestDOM", "TestDOMWorkspaceCards", "TestDOMControlsSayWhy", "TestDOMListenersAreReleased", "TestDOMSignInForms", "TestDOMPasskeysKeepTyping")
}
