package e2e

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"github.com/chromedp/chromedp"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/core/model"
)

// "Your data" on the desktop's Profile screen: prepared with the password,
// announced in the bell, saved as the zip whose data.json is the account's;
// preparing again while it is ready asks first. The Danger Zone points to
// it.
func TestDesktopDownloadMyData(t *testing.T) {
	ts := startServer(t)
	c := newClient(t, ts)
	signUp(t, c, "fyne-export@example.com", "Fyne Export")
	c.run()
	w, ui := desktopUI(t, c)
	var saved []byte
	var savedAs string
	ui.SaveFile = func(name string, data []byte) { savedAs, saved = name, data }
	waitFor(t, "online", func() bool { ui.Refresh(); return labelWith(w, "Online") != nil })
	selectTab(w, "Danger Zone")
	test.Tap(button(w, "Open "+core.TextYourData))
	test.Type(entry(w, core.TextExportPassword), goodPassword)
	test.Tap(button(w, "Prepare my data"))
	waitFor(t, "ready", func() bool {
		ui.Refresh()
		return labelWith(w, "Your data is ready") != nil && button(w, "Download my data") != nil
	})
	if in := c.Snapshot().View.Inbox; len(in) == 0 || in[0].Type != model.NotifDataExport {
		t.Errorf("the bell does not announce the export: %+v", in)
	}
	writeShot(t, shotDir(t), "desktop-download-my-data.png", w.Canvas().Capture())
	test.Tap(button(w, "Download my data"))
	waitFor(t, "saved", func() bool { return saved != nil })
	if savedAs != core.ExportFileName || !strings.Contains(string(archiveFile(t, saved, "data.json")), "fyne-export@example.com") {
		t.Fatalf("saved %q: not the account's archive", savedAs)
	}
	id := c.Snapshot().View.Export.ID
	test.Tap(button(w, "Prepare my data"))
	if labelWith(w, "replaces that archive") == nil {
		t.Fatal("preparing again while an archive is ready did not ask first")
	}
	test.Tap(button(w, "Keep the ready one"))
	if x := c.Snapshot().View.Export; x == nil || x.ID != id {
		t.Errorf("keeping the ready archive replaced it: %+v", x)
	}
}

// "Your data" on the panel's Profile screen: prepared with the password,
// then a link that downloads the zip with the session's cookie; preparing
// again while it is ready asks first. The Danger Zone links to it.
func TestPanelDownloadMyData(t *testing.T) {
	ts := startServerWithPanel(t, builtPanel(t))
	apiSignUp(t, ts, "panel-export@example.com", goodPassword, "Panel Export", "laptop")
	ctx := newBrowser(t)
	within(t, ctx, "prepare the data",
		panelSignIn(ts.url(), "panel-export@example.com", goodPassword),
		screen("danger"),
		chromedp.Click(`#danger-export a`),
		visible("export"),
		chromedp.SendKeys(`#export-password`, goodPassword),
		chromedp.Click(`#export-request`),
		visible("export-download"),
		poll(`document.getElementById("export-status").textContent.startsWith("Your data is ready")`),
	)
	saveScreenshot(t, ctx, "panel-download-my-data.png")
	kind, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(document.getElementById("export-download").href).then(r => r.status + " " + r.headers.get("content-type") + " " + r.headers.get("content-disposition"))`, chromedp.EvalAwaitPromise))
	if err != nil || !strings.HasPrefix(kind, "200 application/zip attachment") {
		t.Fatalf("the download link gives %q (%v)", kind, err)
	}
	href, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("export-download").getAttribute("href")`))
	within(t, ctx, "preparing again asks first",
		chromedp.Click(`#export-request`),
		visible("export-confirm"),
		poll(`document.getElementById("export-confirm-text").textContent.includes("replaces that archive")`),
		poll(`document.activeElement.id === "export-confirm-yes"`),
		chromedp.Click(`#export-confirm-no`),
		poll(`document.getElementById("export-confirm").hidden`),
		poll(`document.getElementById("export-download").getAttribute("href") === `+jsString(href)),
	)
}
