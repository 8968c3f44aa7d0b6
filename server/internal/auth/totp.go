package auth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
	qrcode "github.com/skip2/go-qrcode"
)

// TOTP parameters: RFC 6238 defaults, which every authenticator app reads.
const (
	totpPeriod     = 30
	totpSecretSize = 20 // 160 bits
	// BackupCodeCount is how many backup codes a set has.
	BackupCodeCount = 10
)

// NewTOTP returns a fresh 160-bit TOTP secret (base32) for the account
// email, its otpauth:// URI and a PNG QR code of the URI.
func NewTOTP(rand io.Reader, issuer, email string) (secret, uri string, qrPNG []byte, err error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: email, SecretSize: totpSecretSize, Rand: rand})
	if err != nil {
		return "", "", nil, fmt.Errorf("generate TOTP secret: %w", err)
	}
	png, err := qrcode.Encode(key.URL(), qrcode.Medium, 320)
	if err != nil {
		return "", "", nil, fmt.Errorf("encode QR code: %w", err)
	}
	return key.Secret(), key.URL(), png, nil
}

// TOTPCode returns the code for secret at t with the given number of digits
// (RFC 6238, SHA-1, 30-second steps).
func TOTPCode(secret string, t time.Time, digits int) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totp.ValidateOpts{Period: totpPeriod, Digits: otp.Digits(digits), Algorithm: otp.AlgorithmSHA1})
}

// VerifyTOTP checks a 6-digit code against secret at now, allowing one step
// of clock skew either way. A code for a step at or before lastStep is
// refused, so each code works once. It returns the accepted step.
func VerifyTOTP(secret, code string, now time.Time, lastStep int64) (int64, bool) {
	code = strings.TrimSpace(strings.ReplaceAll(code, " ", ""))
	if len(code) != 6 {
		return 0, false
	}
	cur := now.Unix() / totpPeriod
	for _, step := range []int64{cur - 1, cur, cur + 1} {
		if step <= lastStep {
			continue
		}
		want, err := TOTPCode(secret, time.Unix(step*totpPeriod, 0), 6)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// NewBackupCodes returns a set of single-use backup codes (80 random bits
// each, shown as xxxx-xxxx-xxxx-xxxx) and the hashes to store.
func NewBackupCodes(rand io.Reader) (codes, hashes []string, err error) {
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	for range BackupCodeCount {
		b := make([]byte, 10)
		if _, err := io.ReadFull(rand, b); err != nil {
			return nil, nil, fmt.Errorf("read backup code: %w", err)
		}
		s := strings.ToLower(enc.EncodeToString(b)) // 16 characters
		codes = append(codes, s[0:4]+"-"+s[4:8]+"-"+s[8:12]+"-"+s[12:16])
		hashes = append(hashes, HashBackupCode(s))
	}
	return codes, hashes, nil
}

// HashBackupCode returns the stored form of a backup code as typed: case,
// spaces and dashes do not matter.
func HashBackupCode(code string) string {
	norm := strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ':
			return -1
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return r
	}, code)
	sum := sha256.Sum256([]byte("dialnexa-backup-code:" + norm))
	return hex.EncodeToString(sum[:])
}

// LooksLikeBackupCode reports whether a typed code has a backup code's shape.
func LooksLikeBackupCode(code string) bool {
	n := 0
	for _, r := range code {
		if r != '-' && r != ' ' {
			n++
		}
	}
	return n == 16
}
