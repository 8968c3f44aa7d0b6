//go:build !js

package core_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/dialnexa/account/core"
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
