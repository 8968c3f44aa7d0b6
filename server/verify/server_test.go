package verify_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"go.uber.org/goleak"

	"github.com/dialnexa/account/server/internal/node"
	"github.com/dialnexa/account/server/internal/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// accountServer is a real account server on loopback (a bbolt store in a
// temporary directory) with one account signed in: what the examples
// check sessions against.
type accountServer struct {
	URL, ServiceToken, UserToken string

	srv    *httptest.Server
	node   *node.Server
	st     store.Store
	dir    string
	cancel context.CancelFunc
	bg     sync.WaitGroup
}

func startAccountServer() *accountServer {
	dir, err := os.MkdirTemp("", "verify-example-")
	if err != nil {
		panic(err)
	}
	st, err := store.OpenBolt(dir)
	if err != nil {
		panic(err)
	}
	a := &accountServer{ServiceToken: "example-service-token-0123456789abcdef", st: st, dir: dir}
	a.srv = httptest.NewUnstartedServer(nil)
	a.URL = "http://" + a.srv.Listener.Addr().String()
	a.node, err = node.New(node.Config{Store: st, PublicOrigin: a.URL, ServiceToken: a.ServiceToken,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		panic(err)
	}
	a.srv.Config.Handler = a.node.Handler()
	a.srv.Start()
	ctx, cancel := context.WithCancel(context.Background())
	a.cancel = cancel
	a.bg.Go(func() { a.node.Run(ctx) })
	resp, err := http.Post(a.URL+"/v1/signup", "application/json", strings.NewReader(
		`{"email":"ada@example.com","password":"correct horse 7!","displayName":"Ada","bearer":true,"deviceId":"d"}`))
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var s struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&s)
	a.UserToken = s.Token
	return a
}

func (a *accountServer) Close() {
	a.cancel()
	a.node.Close()
	a.srv.Close()
	a.bg.Wait()
	a.st.Close()
	os.RemoveAll(a.dir)
	http.DefaultClient.CloseIdleConnections()
}
