package account

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
)

// exportLifetime is how long a prepared archive can be downloaded.
const exportLifetime = 24 * time.Hour

// exportStale is how long a request may stay unprepared before another
// may replace it (the node building it stopped).
const exportStale = 10 * time.Minute

const tokenExport = "export"

// Archive is everything the account holds, as "download my data" gives it
// (data.json in the zip).
type Archive struct {
	Exported      time.Time              `json:"exported"`
	Profile       model.Profile          `json:"profile"`
	Created       time.Time              `json:"created"`
	EmailSettings map[string]bool        `json:"emailSettings"` // every type: on or off
	TwoFactor     model.TwoFactor        `json:"twoFactor"`
	Passkeys      []model.Passkey        `json:"passkeys"`
	Sessions      []model.Session        `json:"sessions"`
	Activity      []model.Activity       `json:"securityActivity"`
	Notifications []store.Notification   `json:"notifications"`
	Workspaces    []ArchiveWorkspace     `json:"workspaces"`
	Resources     []store.Resource       `json:"resources"`
	Usage         map[string]store.Usage `json:"usage"`
	Wallet        string                 `json:"wallet,omitempty"`
	Alerts        []store.OpenAlert      `json:"openAlerts"`
}

// ArchiveWorkspace is a workspace the account belongs to, with its role.
type ArchiveWorkspace struct {
	ID      string         `json:"id"`
	Name    string         `json:"name"`
	Role    string         `json:"role"`
	Joined  time.Time      `json:"joined"`
	Members []model.Member `json:"members"`
}

// RequestExport starts preparing the account's data for download (the
// password, or an open step-up window); it is built in the background and
// announced in the bell when ready.
func (s *Service) RequestExport(ctx context.Context, ss store.Session, password string) (model.Export, error) {
	_, release, err := s.stepUp(ctx, ss, password)
	if err != nil {
		return model.Export{}, err
	}
	defer release()
	id, err := auth.NewID(s.rand)
	if err != nil {
		return model.Export{}, err
	}
	now := s.now()
	var out model.Export
	err = s.change(ctx, func(tx txn) error {
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		if e := a.Export; e != nil && e.Ready.IsZero() && now.Sub(e.Requested) < exportStale {
			return refuse(Conflict, NoReason, "Your data is already being prepared; it appears in the bell when it is ready.")
		}
		if e := a.Export; e != nil {
			if err := tx.DeleteToken(auth.HashToken(e.ID)); err != nil && !isNotFound(err) {
				return err
			}
		}
		a.Export = &store.Export{ID: id, Requested: now}
		out = exportView(a.Export)
		bump(&a)
		tx.pushView(a.ID)
		return tx.save(&a)
	})
	if err != nil {
		return model.Export{}, err
	}
	accountID := ss.AccountID
	// Built by Run, which owns the service's background work; a full queue
	// makes the request wait for room rather than start a goroutine nobody
	// waits for.
	select {
	case s.jobs <- func() { s.buildExport(accountID, id) }:
	case <-ctx.Done():
		return out, ctx.Err() // a later request may replace it after exportStale
	}
	return out, nil
}

func exportView(e *store.Export) model.Export {
	return model.Export{ID: e.ID, Requested: e.Requested, Ready: e.Ready, Expires: e.Expires, Size: e.Size}
}

// buildExport builds the archive of the account's data, stores it for
// exportLifetime and announces it.
func (s *Service) buildExport(accountID, id string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var arch Archive
	err := s.store.View(ctx, func(tx store.Tx) (err error) {
		arch, err = s.archive(tx, accountID)
		return err
	})
	if err != nil {
		if !isNotFound(err) {
			s.log.Error("build data export", "account", accountID, "err", err)
		}
		return
	}
	zipped, err := zipArchive(arch)
	if err != nil {
		s.log.Error("zip data export", "account", accountID, "err", err)
		return
	}
	now := s.now()
	err = s.change(ctx, func(tx txn) error {
		a, err := tx.Account(accountID)
		if err != nil {
			return err
		}
		if a.Export == nil || a.Export.ID != id {
			return nil // replaced meanwhile
		}
		a.Export.Ready, a.Export.Expires, a.Export.Size = now, now.Add(exportLifetime), len(zipped)
		t := store.Token{Kind: tokenExport, AccountID: a.ID, Expires: a.Export.Expires, Data: base64.StdEncoding.EncodeToString(zipped)}
		if err := tx.PutToken(auth.HashToken(id), t); err != nil {
			return err
		}
		body := fmt.Sprintf("Download it from Settings → Account → Profile → Your data until %s.", when(a.TimeZone, a.Export.Expires))
		if err := s.notifyInApp(tx, &a, model.NotifDataExport, "Your data is ready to download", body, "", now); err != nil {
			return err
		}
		return tx.save(&a)
	})
	if err != nil && !isNotFound(err) {
		s.log.Error("store data export", "account", accountID, "err", err)
	}
}

// archive reads everything the account holds, inside tx.
func (s *Service) archive(tx store.Tx, accountID string) (Archive, error) {
	a, err := tx.Account(accountID)
	if err != nil {
		return Archive{}, err
	}
	v, err := buildView(tx, a, s.now())
	if err != nil {
		return Archive{}, err
	}
	arch := Archive{Exported: s.now(), Profile: v.Profile, Created: a.Created, TwoFactor: v.TwoFactor, Passkeys: v.Passkeys,
		Sessions: v.Sessions, Usage: a.Usage, Wallet: a.Wallet, Alerts: a.Alerts, EmailSettings: map[string]bool{}}
	for _, t := range model.NotificationTypes {
		arch.EmailSettings[t.ID] = model.EmailEnabled(a.EmailPrefs, t.ID)
	}
	acts, err := tx.Activity(a.ID, 1<<30)
	if err != nil {
		return Archive{}, err
	}
	for _, e := range acts {
		arch.Activity = append(arch.Activity, model.Activity{Kind: e.Kind, Detail: e.Detail, At: e.At})
	}
	if arch.Notifications, err = tx.Notifications(a.ID, 1<<30); err != nil {
		return Archive{}, err
	}
	if arch.Resources, err = tx.Resources(a.ID); err != nil {
		return Archive{}, err
	}
	wss, err := tx.Workspaces(a.ID)
	if err != nil {
		return Archive{}, err
	}
	for _, w := range wss {
		aw := ArchiveWorkspace{ID: w.ID, Name: w.Name}
		for _, vw := range v.Workspaces {
			if vw.ID == w.ID {
				aw.Members = vw.Members
			}
		}
		for _, m := range w.Members {
			if m.AccountID == a.ID {
				aw.Role, aw.Joined = m.Role, m.Joined
			}
		}
		arch.Workspaces = append(arch.Workspaces, aw)
	}
	return arch, nil
}

// zipArchive packs the archive as data.json and a readable summary.txt.
func zipArchive(arch Archive) ([]byte, error) {
	data, err := json.MarshalIndent(arch, "", "  ")
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct {
		name string
		body []byte
	}{{"data.json", data}, {"summary.txt", []byte(summary(arch))}} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: f.name, Method: zip.Deflate, Modified: arch.Exported})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(f.body); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// summary is the archive in words, for people.
func summary(a Archive) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Your DialNexa account data, exported %s\n\n", when(a.Profile.TimeZone, a.Exported))
	fmt.Fprintf(&b, "Name: %s\nEmail: %s\nAccount created: %s\n", a.Profile.DisplayName, a.Profile.Email, when(a.Profile.TimeZone, a.Created))
	twoFA := "off"
	if a.TwoFactor.Enabled {
		twoFA = "on"
	}
	fmt.Fprintf(&b, "Two-factor authentication: %s; passkeys: %d\n", twoFA, len(a.Passkeys))
	if a.Wallet != "" {
		fmt.Fprintf(&b, "Wallet balance: %s\n", a.Wallet)
	}
	fmt.Fprintf(&b, "\nSigned-in devices (%d):\n", len(a.Sessions))
	for _, ss := range a.Sessions {
		fmt.Fprintf(&b, "  - %s, %s, signed in %s\n", ss.Device, ss.Location, when(a.Profile.TimeZone, ss.Created))
	}
	fmt.Fprintf(&b, "\nWorkspaces (%d):\n", len(a.Workspaces))
	for _, w := range a.Workspaces {
		fmt.Fprintf(&b, "  - %s (%s, %d members)\n", w.Name, w.Role, len(w.Members))
	}
	fmt.Fprintf(&b, "\nEmail notifications:\n")
	for _, t := range model.NotificationTypes {
		state := "off"
		if a.EmailSettings[t.ID] {
			state = "on"
		}
		fmt.Fprintf(&b, "  - %s: %s\n", t.Name, state)
	}
	fmt.Fprintf(&b, "\nNotifications: %d; security activity entries: %d; resources held by other DialNexa services: %d\n",
		len(a.Notifications), len(a.Activity), len(a.Resources))
	b.WriteString("\nEverything is in data.json, in full.\n")
	return b.String()
}

// DownloadExport returns the prepared archive id of the caller's account.
func (s *Service) DownloadExport(ctx context.Context, ss store.Session, id string) ([]byte, error) {
	gone := notFound("This download is not available: it expired or was replaced. Prepare your data again.")
	var t store.Token
	err := s.store.View(ctx, func(tx store.Tx) error {
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		if a.Export == nil || a.Export.ID != id || a.Export.Ready.IsZero() || !s.now().Before(a.Export.Expires) {
			return gone
		}
		t, err = tx.Token(auth.HashToken(id))
		return err
	})
	if isNotFound(err) || err == nil && (t.Kind != tokenExport || t.AccountID != ss.AccountID) {
		return nil, gone
	}
	if err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(t.Data)
}
