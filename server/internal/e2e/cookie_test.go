package e2e

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dialnexa/account/server/internal/node"
	"github.com/dialnexa/account/server/internal/store"
)

// SECURITY 23: reached over TLS (an https public origin), the session
// cookie takes the __Host- prefix (Secure, Path=/, no Domain) and
// responses carry HSTS.
func TestHostPrefixedCookieOverTLS(t *testing.T) {
	st, err := store.OpenBolt(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv, err := node.New(node.Config{Store: st, PublicOrigin: "https://account.dialnexa.test", Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	hs := httptest.NewTLSServer(srv.Handler())
	defer hs.Close()
	body := `{"email":"tls@example.com","password":"violet kettle 42?","displayName":"Tls User"}`
	req, _ := http.NewRequest("POST", hs.URL+"/v1/signup", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := hs.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	c := resp.Header.Get("Set-Cookie")
	if resp.StatusCode != http.StatusCreated || !strings.HasPrefix(c, "__Host-dnx_session=") {
		t.Fatalf("sign-up over TLS: %d, cookie %q; want a __Host- cookie", resp.StatusCode, c)
	}
	for _, attr := range []string{"Secure", "HttpOnly", "SameSite=Strict", "Path=/"} {
		if !strings.Contains(c, attr) {
			t.Errorf("cookie %q lacks %s", c, attr)
		}
	}
	if h := resp.Header.Get("Strict-Transport-Security"); h != "max-age=63072000" {
		t.Errorf("Strict-Transport-Security %q, want max-age=63072000", h)
	}
	if strings.Contains(strings.ToLower(c), "domain=") {
		t.Errorf("cookie %q sets a Domain", c)
	}
}
