package core

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"time"
)

// ChangeEmail asks for the account's address to change (online only). The
// server mails a verification link to the new address; nothing changes
// until it is used. It returns the server's answer for the user.
func (c *Actions) ChangeEmail(ctx context.Context, newEmail, password string) (string, error) {
	if err := c.requireOnline(); err != nil {
		return "", err
	}
	var out struct{ Message string }
	err := c.call(ctx, "POST", "/v1/email", c.token(), map[string]string{"newEmail": newEmail, "password": password}, &out)
	return out.Message, err
}

// AvatarMaxBytes is the largest picture the server accepts (2 MB).
const AvatarMaxBytes = 2 << 20

// UploadAvatar sends a JPG, PNG or WebP picture (online only). Files over
// 2 MB are refused here, before anything is sent.
func (c *Actions) UploadAvatar(ctx context.Context, data []byte) error {
	if err := c.requireOnline(); err != nil {
		return err
	}
	if len(data) > AvatarMaxBytes {
		return fmt.Errorf("the picture is %.1f MB; the limit is 2 MB, so choose a smaller file", float64(len(data))/(1<<20))
	}
	if len(data) == 0 {
		return fmt.Errorf("the file is empty; choose a JPG, PNG or WebP picture")
	}
	return c.raw(ctx, "PUT", "/v1/avatar", data, nil)
}

// RemoveAvatar removes the profile picture (online only).
func (c *Actions) RemoveAvatar(ctx context.Context) error {
	if err := c.requireOnline(); err != nil {
		return err
	}
	return c.call(ctx, "DELETE", "/v1/avatar", c.token(), nil, nil)
}

// refreshAvatar brings the cached picture in line with the view's hash,
// downloading a new one on a goroutine the connection waits for.
func (l *link) refreshAvatar(hash string) {
	c := l.c
	cur := c.replica.Avatar()
	switch {
	case cur != nil && cur.Hash == hash:
		return
	case hash == "":
		if c.replica.SetAvatar(l.session, Avatar{}) == nil {
			c.cfg.OnChange()
		}
		return
	}
	c.mu.Lock()
	if c.fetchingAvatar == hash {
		c.mu.Unlock()
		return
	}
	c.fetchingAvatar = hash
	c.mu.Unlock()
	l.bg.Go(func() {
		defer func() { c.mu.Lock(); c.fetchingAvatar = ""; c.mu.Unlock() }()
		ctx, cancel := context.WithTimeout(l.ctx, 30*time.Second)
		defer cancel()
		var png bytes.Buffer
		if err := c.raw(ctx, "GET", "/v1/avatar", nil, &png); err != nil {
			return // shown as initials; fetched again with the next view
		}
		if err := c.replica.SetAvatar(l.session, Avatar{Hash: hash, PNG: png.Bytes()}); err == nil {
			c.cfg.OnChange()
		}
	})
}

// raw sends body as it is and copies a successful answer to out.
func (c *base) raw(ctx context.Context, method, path string, body []byte, out io.Writer) error {
	header := map[string]string{}
	if body != nil {
		header["Content-Type"] = "application/octet-stream"
	}
	_, data, err := c.send(ctx, method, path, c.token(), header, body)
	if err != nil {
		return err
	}
	if out != nil {
		_, err = out.Write(data)
	}
	return err
}

// SetTimeZone sets the account's time zone, an IANA name such as
// Europe/Berlin (online only): mails give times in it.
func (c *Actions) SetTimeZone(ctx context.Context, name string) error {
	if err := c.requireOnline(); err != nil {
		return err
	}
	return c.call(ctx, "PUT", "/v1/timezone", c.token(), map[string]string{"timeZone": name}, nil)
}
