package admin

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/dialnexa/account/server/internal/store"
)

// backup saves a consistent copy of the running server's bbolt store to
// out: written beside it, synced, checked (bbolt's consistency check and
// a schema this server opens), then renamed into place, so out is either
// the previous backup or a complete new one.
func backup(server, data, out string) error {
	if out == "" {
		return fmt.Errorf("backup needs -out FILE")
	}
	token, err := adminToken(data)
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodGet, strings.TrimRight(server, "/")+"/internal/v1/backup", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := (&http.Client{Timeout: time.Hour}).Do(req)
	if err != nil {
		return fmt.Errorf("reach the server at %s: %w", server, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return answerError(resp)
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".partial-")
	if err != nil {
		return fmt.Errorf("create the backup beside %s: %w", out, err)
	}
	defer os.Remove(tmp.Name()) // after the rename, nothing is there
	n, err := io.Copy(tmp, resp.Body)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write the backup: %w", err)
	}
	version, err := store.VerifyBolt(tmp.Name())
	if err != nil {
		return fmt.Errorf("the copy received fails its check, so %s was not replaced: %w", out, err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return err
	}
	if d, err := os.Open(filepath.Dir(out)); err == nil {
		d.Sync()
		d.Close()
	}
	fmt.Printf("backup written to %s (%d bytes, schema version %d, checked)\n", out, n, version)
	fmt.Println("to restore: stop the server and put the file in place of DATA/dialnexa.db")
	return nil
}
