package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/dialnexa/account/sync/wire"
)

// call makes one API request with an optional bearer token and JSON body.
func call(t testing.TB, ts *testServer, method, path, token string, body any, hdr ...string) apiAnswer {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string: // sent as it is, for malformed bodies
		r = strings.NewReader(b)
	default:
		data, _ := json.Marshal(b)
		r = strings.NewReader(string(data))
	}
	req, _ := http.NewRequest(method, ts.url()+path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Host" {
			req.Host = hdr[i+1]
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return parseAnswer(resp, b)
}

// errorOf reads the error of an API answer body, if any.
func errorOf(b []byte) *wire.Error {
	var eb struct{ Error *wire.Error }
	json.Unmarshal(b, &eb)
	return eb.Error
}

// decode reads an answer's JSON body into v.
func (a apiAnswer) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(a.body), v); err != nil {
		t.Fatalf("decode %s: %v", a.body, err)
	}
}

// code returns the answer's error code (0 for success).
func (a apiAnswer) code() wire.Code {
	if a.err == nil {
		return 0
	}
	return a.err.Code
}

type session struct {
	AccountID, SessionID, Token string
}

// apiSignUp creates an account through the API and returns its bearer session.
func apiSignUp(t testing.TB, ts *testServer, email, password, name, device string) session {
	t.Helper()
	a := call(t, ts, "POST", "/v1/signup", "", map[string]any{"email": email, "password": password, "displayName": name, "bearer": true, "deviceId": device, "device": map[string]string{"kind": "desktop", "os": "linux"}})
	if a.status != http.StatusCreated {
		t.Fatalf("sign up %s: %d %s", email, a.status, a.body)
	}
	var s session
	a.decode(t, &s)
	return s
}

// apiSignIn signs in through the API; it returns the answer and, on success, the session.
func apiSignIn(t *testing.T, ts *testServer, email, password, code, device string, hdr ...string) (apiAnswer, session) {
	t.Helper()
	a := call(t, ts, "POST", "/v1/signin", "", map[string]any{"email": email, "password": password, "code": code, "bearer": true, "deviceId": device}, hdr...)
	var s session
	if a.status == http.StatusOK {
		a.decode(t, &s)
	}
	return a, s
}
