package core

import (
	"context"
	"net/url"
	"strconv"
	"time"

	"github.com/dialnexa/account/core/model"
)

// ExportFileName is the name the clients save "download my data" as.
const ExportFileName = "dialnexa-account-data.zip"

// RequestExport asks the server to prepare the account's data for download
// (the password, or empty within the step-up window). It is built in the
// background; the view's Export says when it is ready, and the bell too.
func (c *Actions) RequestExport(ctx context.Context, password string) error {
	if err := c.requireOnline(); err != nil {
		return err
	}
	return c.call(ctx, "POST", "/v1/account/export", c.token(), map[string]string{"password": password}, nil)
}

// DownloadExport returns the prepared archive id: a zip of data.json and
// summary.txt.
func (c *Actions) DownloadExport(ctx context.Context, id string) ([]byte, error) {
	if err := c.requireOnline(); err != nil {
		return nil, err
	}
	_, data, err := c.send(ctx, "GET", ExportPath(id), c.token(), map[string]string{}, nil)
	return data, err
}

// ExportPath is where the panel downloads the archive id from.
func ExportPath(id string) string { return "/v1/account/export/" + url.PathEscape(id) }

// ExportStatus says where "download my data" stands, with dates as the
// client writes them, and whether the archive can be downloaded. (The
// server leaves an expired one out of the view; one that expires while
// the view is not updated answers that it has.)
func ExportStatus(e *model.Export, date func(time.Time) string) (string, bool) {
	switch {
	case e == nil:
		return "", false
	case e.Ready.IsZero():
		return "Preparing your data… It appears in the bell when it is ready; you can leave this screen.", false
	}
	return "Your data is ready (" + sizeText(e.Size) + "): download it until " + date(e.Expires) + ".", true
}

func sizeText(n int) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KB"
	}
	return strconv.Itoa(n) + " bytes"
}
