package e2e

import (
	"io"
	"mime"
	"mime/quotedprintable"
	"strings"
)

type mimeDecoder = mime.WordDecoder

// decodeQP undoes a quoted-printable transfer encoding.
func decodeQP(enc string, body []byte) string {
	if strings.EqualFold(enc, "quoted-printable") {
		b, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(string(body))))
		if err == nil {
			return string(b)
		}
	}
	return string(body)
}
