package auth

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
)

// TokenBytes is the entropy of a session token: 256 random bits.
const TokenBytes = 32

// NewToken returns a random token (URL-safe base64) drawn from rand.
func NewToken(rand io.Reader) (string, error) {
	b := make([]byte, TokenBytes)
	if _, err := io.ReadFull(rand, b); err != nil {
		return "", fmt.Errorf("read token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// NewID returns a random 128-bit identifier in hex, for accounts and sessions.
func NewID(rand io.Reader) (string, error) {
	b := make([]byte, 16)
	if _, err := io.ReadFull(rand, b); err != nil {
		return "", fmt.Errorf("read id: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// HashToken returns the hex SHA-256 of a token: what the store keeps. A
// token has 256 random bits, so a fast hash is enough.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
