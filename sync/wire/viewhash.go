package wire

import (
	"crypto/sha256"
	"encoding/base64"
)

// ViewHash is the digest a patched view is checked against: the first 16
// bytes of the SHA-256 of the view's JSON as the server encodes it,
// base64url without padding.
func ViewHash(view []byte) string {
	sum := sha256.Sum256(view)
	return base64.RawURLEncoding.EncodeToString(sum[:16])
}
