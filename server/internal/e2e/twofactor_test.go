package e2e

import (
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dialnexa/account/sync/wire"
)

// oathtool computes a TOTP code for secret at t with the independent
// reference implementation.
func oathtool(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	out, err := exec.Command("oathtool", "--totp", "-b", "--now", at.UTC().Format("2006-01-02 15:04:05 UTC"), secret).Output()
	if err != nil {
		t.Fatalf("oathtool: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// zbarimg decodes a QR code image with an independent decoder.
func zbarimg(t *testing.T, png []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "qr.png")
	if err := os.WriteFile(path, png, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("zbarimg", "--quiet", "--raw", path).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	return strings.TrimSpace(string(out))
}

type setup struct {
	Secret string
	URI    string
	QRPNG  []byte `json:"qrPng"`
}

// enable2FA sets up and enables 2FA with oathtool codes, returning the
// secret and the backup codes.
func enable2FA(t *testing.T, ts *testServer, token string) (string, []string) {
	t.Helper()
	return enable2FAWith(t, ts, token, pw)
}

// enable2FAWith turns 2FA on for an account whose password is password.
func enable2FAWith(t *testing.T, ts *testServer, token, password string) (string, []string) {
	t.Helper()
	a := call(t, ts, "POST", "/v1/2fa/setup", token, map[string]string{"password": password})
	if a.status != http.StatusOK {
		t.Fatalf("setup: %d %s", a.status, a.body)
	}
	var su setup
	a.decode(t, &su)
	a = call(t, ts, "POST", "/v1/2fa/enable", token, map[string]string{"code": oathtool(t, su.Secret, ts.clock.Now())})
	if a.status != http.StatusOK {
		t.Fatalf("enable: %d %s", a.status, a.body)
	}
	var codes struct{ BackupCodes []string }
	a.decode(t, &codes)
	return su.Secret, codes.BackupCodes
}

// SECURITY 15–17 and the independent round trip: the QR code decodes (zbarimg)
// to an otpauth URI whose codes match oathtool; 2FA is on only after a valid
// code; each code works once, also from another session; one step of skew.
func TestTwoFactorIndependentRoundTrip(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	s := apiSignUp(t, ts, "otp@example.com", pw, "Otp User", "d1")
	a := call(t, ts, "POST", "/v1/2fa/setup", s.Token, map[string]string{"password": pw})
	var su setup
	a.decode(t, &su)
	uri := zbarimg(t, su.QRPNG)
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "otpauth" || u.Host != "totp" {
		t.Fatalf("QR code decodes to %q, want an otpauth://totp URI", uri)
	}
	secret := u.Query().Get("secret")
	if secret != su.Secret || len(secret)*5 < 160 || u.Query().Get("issuer") != "DialNexa" {
		t.Fatalf("QR secret %q (issuer %q) vs shown %q: want the same, at least 160 bits", secret, u.Query().Get("issuer"), su.Secret)
	}

	// Not on until a valid code is given.
	if a := call(t, ts, "POST", "/v1/2fa/enable", s.Token, map[string]string{"code": "000000"}); a.status != http.StatusBadRequest {
		t.Fatalf("enable with a wrong code: %d %s", a.status, a.body)
	}
	if a, _ := apiSignIn(t, ts, "otp@example.com", pw, "", "d1"); a.status != http.StatusOK {
		t.Fatalf("sign-in while 2FA is not yet on: %d %s", a.status, a.body)
	}
	a = call(t, ts, "POST", "/v1/2fa/enable", s.Token, map[string]string{"code": oathtool(t, secret, ts.clock.Now())})
	if a.status != http.StatusOK {
		t.Fatalf("enable with the oathtool code: %d %s", a.status, a.body)
	}
	var codes struct{ BackupCodes []string }
	a.decode(t, &codes)
	if len(codes.BackupCodes) != 10 {
		t.Fatalf("%d backup codes, want 10", len(codes.BackupCodes))
	}
	if !strings.Contains(me(t, ts, s.Token), `"twoFactor":{"enabled":true,"backupCodesLeft":10}`) {
		t.Error("view does not show 2FA on with 10 backup codes")
	}
	ts.inbox.waitFor(t, "otp@example.com", "turned on")

	// Sign-in now asks for the code.
	if a, _ := apiSignIn(t, ts, "otp@example.com", pw, "", "d1"); a.code() != wire.CodeSecondFactor {
		t.Fatalf("sign-in without a code: %d %s, want second_factor_required", a.status, a.body)
	}
	ts.clock.Advance(30 * time.Second)
	code := oathtool(t, secret, ts.clock.Now())
	if a, _ := apiSignIn(t, ts, "otp@example.com", pw, code, "d1"); a.status != http.StatusOK {
		t.Fatalf("sign-in with a second oathtool code: %d %s", a.status, a.body)
	}
	// The same code again, from another session and device: refused.
	if a, _ := apiSignIn(t, ts, "otp@example.com", pw, code, "d2"); a.code() != wire.CodeBadCredentials {
		t.Fatalf("reused code: %d %s, want refused", a.status, a.body)
	}
	// One step back is accepted; two steps away are not.
	ts.clock.Advance(90 * time.Second)
	if a, _ := apiSignIn(t, ts, "otp@example.com", pw, oathtool(t, secret, ts.clock.Now().Add(-30*time.Second)), "d1"); a.status != http.StatusOK {
		t.Errorf("code one step back: %d %s", a.status, a.body)
	}
	ts.clock.Advance(90 * time.Second)
	for _, d := range []time.Duration{-60 * time.Second, 60 * time.Second} {
		if a, _ := apiSignIn(t, ts, "otp@example.com", pw, oathtool(t, secret, ts.clock.Now().Add(d)), "d1"); a.status == http.StatusOK {
			t.Errorf("code %v away accepted", d)
		}
	}
}

// SECURITY 18 and 12: backup codes, disabling, and a reset that still asks
// for the second factor.
func TestBackupCodesDisableAndReset(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	s := apiSignUp(t, ts, "bk@example.com", pw, "Backup User", "d1")
	secret, backup := enable2FA(t, ts, s.Token)
	acc, _ := ts.account("bk@example.com")
	for _, c := range backup {
		for _, h := range acc.TwoFactor.BackupCodes {
			if strings.Contains(h, strings.ReplaceAll(c, "-", "")) {
				t.Fatal("backup codes stored in the clear")
			}
		}
	}
	// A backup code works once, in any case and spacing.
	if a, _ := apiSignIn(t, ts, "bk@example.com", pw, strings.ToUpper(backup[0]), "d1"); a.status != http.StatusOK {
		t.Fatalf("backup code: %d %s", a.status, a.body)
	}
	if a, _ := apiSignIn(t, ts, "bk@example.com", pw, backup[0], "d1"); a.code() != wire.CodeBadCredentials {
		t.Fatalf("backup code twice: %d %s", a.status, a.body)
	}
	body := me(t, ts, s.Token)
	if !strings.Contains(body, `"backupCodesLeft":9`) || !strings.Contains(body, "backup_code_used") {
		t.Errorf("view after using a backup code: %s", body)
	}

	// Regenerating needs the password and a code, and voids the old set.
	ts.clock.Advance(30 * time.Second)
	if a := call(t, ts, "POST", "/v1/2fa/backup-codes", s.Token, map[string]string{"password": "wrong pass 9?", "code": oathtool(t, secret, ts.clock.Now())}); a.status != http.StatusForbidden {
		t.Fatalf("regenerate with a wrong password: %d %s", a.status, a.body)
	}
	a := call(t, ts, "POST", "/v1/2fa/backup-codes", s.Token, map[string]string{"password": pw, "code": oathtool(t, secret, ts.clock.Now())})
	if a.status != http.StatusOK {
		t.Fatalf("regenerate: %d %s", a.status, a.body)
	}
	var fresh struct{ BackupCodes []string }
	a.decode(t, &fresh)
	if a, _ := apiSignIn(t, ts, "bk@example.com", pw, backup[1], "d1"); a.status == http.StatusOK {
		t.Error("an old backup code works after regenerating")
	}

	// Guessing codes is throttled like passwords.
	ts.clock.Advance(time.Hour)
	for range 5 {
		apiSignIn(t, ts, "bk@example.com", pw, "123456", "d1")
	}
	if a, _ := apiSignIn(t, ts, "bk@example.com", pw, fresh.BackupCodes[0], "d1"); a.status != http.StatusTooManyRequests {
		t.Fatalf("after 5 wrong codes: %d %s, want 429", a.status, a.body)
	}
	ts.clock.Advance(time.Hour)

	// A reset does not bypass the second factor.
	call(t, ts, "POST", "/v1/password/forgot", "", map[string]string{"email": "bk@example.com"})
	link := ts.inbox.waitFor(t, "bk@example.com", "Reset your").link(t)
	tok := link[strings.Index(link, "token=")+6:]
	if a := call(t, ts, "POST", "/v1/password/reset", "", map[string]string{"token": tok, "newPassword": "amber falcon 77#"}); a.code() != wire.CodeSecondFactor {
		t.Fatalf("reset without a code: %d %s, want second_factor_required", a.status, a.body)
	}
	if a := call(t, ts, "POST", "/v1/password/reset", "", map[string]string{"token": tok, "newPassword": "amber falcon 77#", "code": "654321"}); a.code() != wire.CodeBadCredentials {
		t.Fatalf("reset with a wrong code: %d %s", a.status, a.body)
	}
	ts.clock.Advance(time.Minute) // the wrong code counted as a failure
	if a := call(t, ts, "POST", "/v1/password/reset", "", map[string]string{"token": tok, "newPassword": "amber falcon 77#", "code": fresh.BackupCodes[1]}); a.status != http.StatusOK {
		t.Fatalf("reset with a backup code: %d %s", a.status, a.body)
	}
	_, s = apiSignIn(t, ts, "bk@example.com", "amber falcon 77#", fresh.BackupCodes[2], "d1")

	// Disabling needs the password and a code.
	ts.clock.Advance(30 * time.Second)
	if a := call(t, ts, "POST", "/v1/2fa/disable", s.Token, map[string]string{"password": "amber falcon 77#"}); a.status == http.StatusNoContent {
		t.Fatal("2FA disabled without a code")
	}
	if a := call(t, ts, "POST", "/v1/2fa/disable", s.Token, map[string]string{"password": "amber falcon 77#", "code": oathtool(t, secret, ts.clock.Now())}); a.status != http.StatusNoContent {
		t.Fatalf("disable: %d %s", a.status, a.body)
	}
	if a, _ := apiSignIn(t, ts, "bk@example.com", "amber falcon 77#", "", "d1"); a.status != http.StatusOK {
		t.Fatalf("sign-in after disabling: %d %s", a.status, a.body)
	}
	ts.inbox.waitFor(t, "bk@example.com", "turned off")
}

// Support recovery: the operator command turns 2FA off, records it and
// tells the owner.
func TestSupportRecoveryCommand(t *testing.T) {
	t.Parallel()
	ts := startServer(t)
	s := apiSignUp(t, ts, "lost@example.com", pw, "Lost Phone", "d1")
	enable2FA(t, ts, s.Token)
	if a := call(t, ts, "POST", "/internal/v1/support/disable-2fa", "", map[string]string{"email": "lost@example.com", "note": "ticket 123"}); a.status != http.StatusUnauthorized {
		t.Fatalf("support endpoint without the service token: %d", a.status)
	}
	bin := builtServer(t)
	cmd := exec.Command(bin, "admin", "disable-2fa", "-server", ts.url(), "-email", "lost@example.com", "-note", "ID checked on video call, ticket 4711")
	cmd.Env = append(os.Environ(), "DIALNEXA_SERVICE_TOKEN="+ts.token)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("admin disable-2fa: %v\n%s", err, out)
	}
	if a, _ := apiSignIn(t, ts, "lost@example.com", pw, "", "d1"); a.status != http.StatusOK {
		t.Fatalf("sign-in after support recovery: %d %s", a.status, a.body)
	}
	if body := me(t, ts, s.Token); !strings.Contains(body, "by DialNexa support") || !strings.Contains(body, "ticket 4711") {
		t.Errorf("recovery not in the security activity: %s", body)
	}
	m := ts.inbox.waitFor(t, "lost@example.com", "turned off")
	if !strings.Contains(m.Body, "DialNexa support") {
		t.Errorf("mail does not say support did it:\n%s", m.Body)
	}
	// Again: a clear error.
	cmd = exec.Command(bin, "admin", "disable-2fa", "-server", ts.url(), "-email", "lost@example.com", "-note", "again please")
	cmd.Env = append(os.Environ(), "DIALNEXA_SERVICE_TOKEN="+ts.token)
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "already off") {
		t.Errorf("second recovery: %v %s, want a clear error", err, out)
	}
}
