package verify_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/dialnexa/account/server/verify"
)

// Checks from many goroutines while a revocation arrives on the stream
// (run under the race detector in the test command): every check answers
// the session or, once the revocation arrived, refuses it; none fails
// otherwise.
func TestChecksDuringARevocation(t *testing.T) {
	a := startAccountServer()
	defer a.Close()
	c, err := verify.New(context.Background(), verify.Config{Server: a.URL, ServiceToken: a.ServiceToken})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	deadline := time.Now().Add(20 * time.Second)
	for !c.Live() {
		if time.Now().After(deadline) {
			t.Fatal("the stream never came up")
		}
		time.Sleep(10 * time.Millisecond)
	}
	ctx := context.Background()
	if _, err := c.Check(ctx, a.UserToken); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for {
				_, err := c.Check(ctx, a.UserToken)
				switch {
				case errors.Is(err, verify.ErrEnded):
					return
				case err != nil:
					t.Errorf("check: %v", err)
					return
				}
				if time.Now().After(deadline.Add(time.Minute)) {
					t.Error("the revocation never reached the checker")
					return
				}
			}
		})
	}
	req, _ := http.NewRequest("POST", a.URL+"/v1/signout", nil)
	req.Header.Set("Authorization", "Bearer "+a.UserToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusNoContent {
		t.Fatalf("sign out: %v %v", resp, err)
	}
	resp.Body.Close()
	wg.Wait()
}
