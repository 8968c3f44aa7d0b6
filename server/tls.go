package main

import (
	"crypto/tls"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"
)

// certificate serves -tls-cert and -tls-key, reading them again when
// either file changes (checked at most once a minute), so a renewed
// certificate is used without a restart.
type certificate struct {
	certFile, keyFile string
	log               *slog.Logger

	mu      sync.Mutex
	cert    *tls.Certificate
	mod     time.Time
	checked time.Time
}

func loadCertificate(certFile, keyFile string, log *slog.Logger) (*certificate, error) {
	c := &certificate{certFile: certFile, keyFile: keyFile, log: log}
	if err := c.load(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *certificate) modTime() time.Time {
	var latest time.Time
	for _, f := range []string{c.certFile, c.keyFile} {
		if fi, err := os.Stat(f); err == nil && fi.ModTime().After(latest) {
			latest = fi.ModTime()
		}
	}
	return latest
}

func (c *certificate) load() error {
	mod := c.modTime()
	cert, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		return fmt.Errorf("-tls-cert %s and -tls-key %s: %w", c.certFile, c.keyFile, err)
	}
	c.cert, c.mod = &cert, mod
	return nil
}

// get is tls.Config.GetCertificate.
func (c *certificate) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.checked) > time.Minute {
		c.checked = time.Now()
		if mod := c.modTime(); mod.After(c.mod) {
			if err := c.load(); err != nil {
				// Keep serving the old one; the files may be half written.
				c.log.Error("TLS certificate changed but cannot be read; still serving the previous one", "err", err)
			} else {
				c.log.Info("TLS certificate reloaded", "file", c.certFile)
			}
		}
	}
	return c.cert, nil
}

// config is the TLS configuration of the listener: TLS 1.2 or newer
// (http.Server.ServeTLS adds HTTP/2).
func (c *certificate) config() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: c.get}
}
