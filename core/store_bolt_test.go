//go:build !js

package core_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/dialnexa/account/core"
	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/core/storetest"
)

func TestBoltStoreContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) func() core.Store {
		path := filepath.Join(t.TempDir(), "account.db")
		return func() core.Store {
			s, err := core.OpenStore(path)
			if err != nil {
				t.Fatal(err)
			}
			return s
		}
	})
}

func TestBoltStoreSecondOpenIsLockedNotHung(t *testing.T) {
	path := filepath.Join(t.TempDir(), "account.db")
	s, err := core.OpenStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := core.OpenStore(path); !errors.Is(err, core.ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
}

func TestCorruptStoreIsDiscarded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "account.db")
	if err := os.WriteFile(path, []byte("this is not a bbolt file, it is garbage of some length......"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := core.OpenStore(path)
	if err != nil {
		t.Fatalf("open corrupt store: %v, want a fresh store", err)
	}
	defer s.Close()
	st, err := s.Load()
	if err != nil || st.Confirmed != nil {
		t.Fatalf("corrupt store loaded %+v, %v; want empty", st, err)
	}
	if _, err := os.Stat(path + ".corrupt"); err != nil {
		t.Errorf("corrupt file not set aside: %v", err)
	}
}

func TestOldSchemaIsDiscardedKeepingIdentity(t *testing.T) {
	path := filepath.Join(t.TempDir(), "account.db")
	s, err := core.OpenStore(path)
	if err != nil {
		t.Fatal(err)
	}
	old := core.Meta{Schema: core.SchemaVersion + 1, ClientID: "c", DeviceID: "d", SessionID: "s"}
	if err := s.Commit(core.Change{Meta: &old, Confirmed: &core.Confirmed{Version: 3}}); err != nil {
		t.Fatal(err)
	}
	st, err := s.Load()
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	if st.Confirmed != nil || st.Meta.SessionID != "" || st.Meta.DeviceID != "d" || st.Meta.Schema != core.SchemaVersion {
		t.Fatalf("other-schema store loaded as %+v; want emptied with device identity kept", st)
	}
}

// A wipe leaves none of the account in the file, freed pages included, and
// the recreated file is still locked against a second instance.
func TestBoltWipeLeavesNoTrace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "account.db")
	s, err := core.OpenStore(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	meta := core.Meta{Schema: core.SchemaVersion, ClientID: "client-1", DeviceID: "device-1", SessionID: "s", Email: "wiped@example.com", Token: "secret-token-value"}
	view := model.View{Profile: model.Profile{Email: "wiped@example.com", DisplayName: "Wiped Person"}, EmailPrefs: map[string]bool{model.NotifCampaignCompleted: true}}
	if err := s.Commit(core.Change{Meta: &meta, Confirmed: &core.Confirmed{Version: 3, View: view},
		Append: []core.Mutation{{ID: 1, Name: model.MutSetDisplayName, Args: []byte(`{"displayName":"Wiped Person"}`)}}}); err != nil {
		t.Fatal(err)
	}
	secrets := []string{"wiped@example.com", "Wiped Person", "secret-token-value", model.NotifCampaignCompleted}
	raw, _ := os.ReadFile(path)
	for _, sec := range secrets {
		if !bytes.Contains(raw, []byte(sec)) {
			t.Fatalf("%q not in the file before the wipe: the check proves nothing", sec)
		}
	}
	kept := core.Meta{Schema: core.SchemaVersion, ClientID: "client-1", DeviceID: "device-1", LastMutationID: 1, Notice: "You signed out."}
	if err := s.Commit(core.Change{Wipe: true, Meta: &kept}); err != nil {
		t.Fatal(err)
	}
	raw, _ = os.ReadFile(path)
	for _, sec := range secrets {
		if bytes.Contains(raw, []byte(sec)) {
			t.Errorf("the file still holds %q after the wipe", sec)
		}
	}
	if _, err := core.OpenStore(path); !errors.Is(err, core.ErrLocked) {
		t.Errorf("second open after the wipe: %v, want ErrLocked", err)
	}
	if matches, _ := filepath.Glob(path + ".*"); len(matches) != 0 {
		t.Errorf("files left beside the store: %v", matches)
	}
	s.Close()
	s, err = core.OpenStore(path)
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Load()
	if err != nil || st.Meta != kept || st.Confirmed != nil || len(st.Pending) != 0 {
		t.Fatalf("reopened after the wipe: %+v, %v; want only the kept identity", st, err)
	}
}
