package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func writePair(t *testing.T, dir, name string) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), DNSNames: []string{name}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(key)
	os.WriteFile(filepath.Join(dir, "cert.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(filepath.Join(dir, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
}

// A renewed certificate is served without a restart; one that cannot be
// read (half written) leaves the previous one in use.
func TestCertificateReloads(t *testing.T) {
	dir := t.TempDir()
	writePair(t, dir, "old.example")
	c, err := loadCertificate(filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	name := func() string {
		cert, _ := c.get(nil)
		leaf, _ := x509.ParseCertificate(cert.Certificate[0])
		return leaf.Subject.CommonName
	}
	if n := name(); n != "old.example" {
		t.Fatalf("serving %s", n)
	}
	writePair(t, dir, "new.example")
	later := time.Now().Add(time.Minute)
	os.Chtimes(filepath.Join(dir, "cert.pem"), later, later)
	c.checked = time.Time{} // the minute between checks has passed
	if n := name(); n != "new.example" {
		t.Fatalf("after renewal serving %s, want new.example", n)
	}
	os.WriteFile(filepath.Join(dir, "cert.pem"), []byte("half written"), 0o600)
	later = later.Add(time.Minute)
	os.Chtimes(filepath.Join(dir, "cert.pem"), later, later)
	c.checked = time.Time{}
	if n := name(); n != "new.example" {
		t.Fatalf("with a broken file serving %s, want the previous new.example", n)
	}
	if _, err := loadCertificate(filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem"), nil); err == nil {
		t.Fatal("a broken certificate was loaded at start")
	}
}
