package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// The server logs of the whole run are kept and, at its end, searched for
// every secret that crossed the server's edge in the run: passwords, 2FA
// codes and secrets, backup codes, session tokens (bearer, cookie, and in
// answers), the service token, and the tokens of the links in mails. The
// in-process servers log at debug level, so no level may carry one.
var secrets = newSecretScan()

type secretScan struct {
	mu      sync.Mutex
	logs    bytes.Buffer
	secrets map[string]string // secret → what it is
}

func newSecretScan() *secretScan { return &secretScan{secrets: map[string]string{}} }

// Write takes log output (one or more whole lines per call, as slog
// writes them).
func (s *secretScan) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logs.Write(p)
}

// add records a secret; values too short to be one (or to be found
// reliably) are left out.
func (s *secretScan) add(v, what string) {
	if v = strings.TrimSpace(v); len(v) < 6 {
		return
	}
	s.mu.Lock()
	s.secrets[v] = what
	s.mu.Unlock()
}

// secretKeys are the JSON members that carry secrets in requests and
// answers.
var secretKeys = map[string]bool{"password": true, "currentPassword": true, "newPassword": true, "code": true,
	"token": true, "secret": true, "uri": true, "backupCodes": true, "request": true, "ceremony": true}

// addJSON records the secrets in a JSON document.
func (s *secretScan) addJSON(b []byte) {
	var v any
	if json.Unmarshal(b, &v) != nil {
		return
	}
	eachString(v, func(key, v string) {
		if secretKeys[key] {
			s.add(v, key)
		}
	})
}

// eachString calls f with every string in a JSON document and the member
// it is in (an array's elements are in the array's member).
func eachString(v any, f func(key, v string)) {
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				walk(k, e)
			}
		case []any:
			for _, e := range v {
				walk(key, e)
			}
		case string:
			f(key, v)
		}
	}
	walk("", v)
}

// linkTokens are the tokens in the links of mails.
var linkTokens = regexp.MustCompile(`token=([A-Za-z0-9_\-]{6,})`)

// addMail records the tokens of the links in a mail.
func (s *secretScan) addMail(raw string) {
	// Undo quoted-printable: soft line breaks and the encoded "=".
	raw = strings.ReplaceAll(strings.ReplaceAll(raw, "=\r\n", ""), "=3D", "=")
	for _, m := range linkTokens.FindAllStringSubmatch(raw, -1) {
		s.add(m[1], "mail link token")
	}
}

// record wraps a server's handler, recording the secrets of each request
// and answer.
func (s *secretScan) record(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			s.add(t, "bearer token")
		}
		for _, c := range r.Cookies() {
			s.add(c.Value, "cookie")
		}
		if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") && r.ContentLength < 1<<16 {
			b, _ := io.ReadAll(io.LimitReader(r.Body, 1<<16))
			r.Body.Close()
			s.addJSON(b)
			r.Body = io.NopCloser(bytes.NewReader(b))
		}
		tee := &teeWriter{ResponseWriter: w}
		h.ServeHTTP(tee, r)
		for _, sc := range w.Header().Values("Set-Cookie") {
			if c, err := http.ParseSetCookie(sc); err == nil {
				s.add(c.Value, "cookie")
			}
		}
		if strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
			s.addJSON(tee.body.Bytes())
		}
	})
}

// teeWriter keeps the first 64 KiB of an answer.
type teeWriter struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (w *teeWriter) Write(b []byte) (int, error) {
	if room := 1<<16 - w.body.Len(); room > 0 {
		w.body.Write(b[:min(room, len(b))])
	}
	return w.ResponseWriter.Write(b)
}

func (w *teeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// textOf returns the string values in a JSON document, with "key=" before
// each.
func textOf(v any) []string {
	var out []string
	eachString(v, func(key, v string) { out = append(out, key+"="+v) })
	return out
}

// volatile are the log fields that hold timestamps and durations, whose
// digits would match a 6-digit code by chance.
var volatile = regexp.MustCompile(`(?:^|\s)(?:time|duration|retry_in)=\S+`)

// longDigits are runs of eight or more digits — the random part of a
// temporary directory's name (/tmp/TestConvergence3418756221/001) in a
// logged path — which hold some 6-digit code of the run by chance. No
// secret is such a run.
var longDigits = regexp.MustCompile(`\d{8,}`)

// check searches the logs for every secret; it returns what it found
// (which secret, never the secret itself) and how much it searched.
func (s *secretScan) check() (found []string, lines, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	// A short secret (a 6-digit code) counts only as a word of its own: in
	// a longer identifier (a hex account id holding "123456") it is chance.
	word := map[string]*regexp.Regexp{}
	for secret := range s.secrets {
		if len(secret) < 12 {
			word[secret] = regexp.MustCompile(`(^|[^A-Za-z0-9])` + regexp.QuoteMeta(secret) + `([^A-Za-z0-9]|$)`)
		}
	}
	sc := bufio.NewScanner(bytes.NewReader(s.logs.Bytes()))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		lines++
		var doc map[string]any
		if strings.HasPrefix(line, "{") && json.Unmarshal([]byte(line), &doc) == nil {
			// Only text can carry a secret (codes are strings on the
			// wire); numbers, such as durations, are left out.
			delete(doc, "time")
			line = strings.Join(textOf(doc), " | ")
		} else {
			line = volatile.ReplaceAllString(line, " ")
		}
		line = longDigits.ReplaceAllString(line, "#")
		for secret, what := range s.secrets {
			if strings.Contains(line, secret) && (word[secret] == nil || word[secret].MatchString(line)) {
				msg := line
				if i := strings.Index(msg, "msg="); i >= 0 {
					msg = msg[i:min(len(msg), i+60)]
				}
				found = append(found, fmt.Sprintf("a %s (%d characters) in the log line %s…", what, len(secret), strings.ReplaceAll(msg, secret, "<secret>")))
			}
		}
	}
	return found, lines, len(s.secrets)
}

// The scan finds a secret written at any level, and ignores digits of
// timestamps, durations and temporary directories, and a code inside a
// longer identifier.
func TestSecretScanFindsASecret(t *testing.T) {
	s := newSecretScan()
	s.addJSON([]byte(`{"email":"a@example.com","password":"violet kettle 42?","code":"123456","backupCodes":["abcd-efgh-ij"]}`))
	s.addMail("Open https://x/reset#token=3Dq1w2e3r4t5y6u7i8\r\n")
	fmt.Fprintln(s, `{"time":"2026-11-28T12:00:00.123456Z","level":"DEBUG","msg":"x","duration":123456,"retry_in":60123456000}`)
	fmt.Fprintln(s, `time=2026-11-28T12:00:00.123456Z level=INFO msg=request duration=1.123456ms`)
	fmt.Fprintln(s, `time=2026-11-28T12:00:00Z level=INFO msg="DialNexa Account server ready" store=/tmp/TestConvergence3412345621/001/dialnexa.db`)
	fmt.Fprintln(s, `{"time":"2026-11-28T12:00:00Z","level":"INFO","msg":"request","account":"9f3ea1234560bc7d0e1f2a3b4c5d6e7f"}`)
	if found, lines, n := s.check(); len(found) != 0 || lines != 4 || n != 4 {
		t.Fatalf("clean logs: found %q in %d lines for %d secrets; want nothing in 4 lines for 4 secrets", found, lines, n)
	}
	fmt.Fprintln(s, `{"time":"2026-11-28T12:00:00Z","level":"DEBUG","msg":"sign-in","body":"{\"password\":\"violet kettle 42?\"}"}`)
	fmt.Fprintln(s, `time=2026-11-28T12:00:00Z level=INFO msg="mail written" link=https://x/reset#token=q1w2e3r4t5y6u7i8`)
	fmt.Fprintln(s, `time=2026-11-28T12:00:00Z level=INFO msg="2fa" code=123456`)
	if found, _, _ := s.check(); len(found) != 3 {
		t.Fatalf("found %d secrets, want 3: %q", len(found), found)
	}
}
