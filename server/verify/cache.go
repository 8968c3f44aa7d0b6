package verify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"time"
)

// cache is what a Checker knows; the Checker's mu guards it.
type cache struct {
	// pos is the stream position applied.
	pos uint64
	// recent are the newest changes applied, to tell whether an answer
	// the server gave at an earlier position was changed since.
	recent []change
	// byHash holds sessions checked by token, bySession by id (access
	// tokens), byAccount both by the account's key (accountKey), to drop
	// an account's at once.
	byHash    map[[32]byte]*entry
	bySession map[string]*entry
	byAccount map[string]map[*entry]struct{}
	// ended are sessions the stream said ended, kept as long as an access
	// token naming one may live.
	ended map[string]time.Time
	// tokens are access tokens verified (their signature and claims).
	tokens map[[32]byte]accessToken
	// tombs counts ended entries kept.
	tombs int
}

// entry is a cached session; an ended one stays a while, to refuse its
// token without asking the server.
type entry struct {
	session Session
	key     string // accountKey(session.AccountID)
	hash    [32]byte
	byHash  bool
	ended   time.Time // zero while live
}

// accountKey is how the stream names an account: a digest of its id (the
// server's changes log keeps no account id).
func accountKey(id string) string {
	sum := sha256.Sum256([]byte("account/" + id))
	return hex.EncodeToString(sum[:16])
}

// change is one change of the stream.
type change struct {
	Seq  uint64 `json:"seq"`
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

// recentKept bounds the changes remembered for late answers.
const recentKept = 4096

func newCache() cache {
	return cache{byHash: map[[32]byte]*entry{}, bySession: map[string]*entry{}, byAccount: map[string]map[*entry]struct{}{},
		ended: map[string]time.Time{}, tokens: map[[32]byte]accessToken{}}
}

// apply applies one change; it reports false for one already applied.
func (c *cache) apply(ch change, now time.Time) bool {
	if ch.Seq <= c.pos {
		return false
	}
	c.pos = ch.Seq
	if len(c.recent) == recentKept {
		copy(c.recent, c.recent[1:])
		c.recent = c.recent[:recentKept-1]
	}
	c.recent = append(c.recent, ch)
	switch ch.Kind {
	case "session":
		c.ended[ch.ID] = now.Add(accessTokenLife)
		if e := c.bySession[ch.ID]; e != nil {
			c.end(e, now)
		}
	case "deleted":
		for e := range c.byAccount[ch.ID] {
			c.ended[e.session.SessionID] = now.Add(accessTokenLife)
			c.end(e, now)
		}
	case "account":
		for e := range c.byAccount[ch.ID] {
			if e.ended.IsZero() {
				c.drop(e)
			}
		}
	}
	return true
}

// end marks a cached session ended: its token is refused from memory
// until the tombstone expires.
func (c *cache) end(e *entry, now time.Time) {
	if e.ended.IsZero() {
		e.ended = now
		c.tombs++
		// Nothing of the user is kept in a tombstone.
		e.session = Session{AccountID: e.session.AccountID, SessionID: e.session.SessionID}
	}
}

// sweep drops tombstones older than accessTokenLife.
func (c *cache) sweep(now time.Time) {
	for id, until := range c.ended {
		if now.After(until) {
			delete(c.ended, id)
		}
	}
	for _, e := range c.byHash {
		if !e.ended.IsZero() && now.Sub(e.ended) > accessTokenLife {
			c.drop(e)
			c.tombs--
		}
	}
	for _, e := range c.bySession {
		if !e.byHash && !e.ended.IsZero() && now.Sub(e.ended) > accessTokenLife {
			c.drop(e)
			c.tombs--
		}
	}
}

// reset forgets everything (the stream's position was pruned).
func (c *cache) reset(pos uint64) {
	ended := c.ended
	*c = newCache()
	c.ended = ended // what ended stays ended
	c.pos = pos
}

func (c *cache) drop(e *entry) {
	if e.byHash {
		delete(c.byHash, e.hash)
	}
	if c.bySession[e.session.SessionID] == e {
		delete(c.bySession, e.session.SessionID)
	}
	if m := c.byAccount[e.key]; m != nil {
		delete(m, e)
		if len(m) == 0 {
			delete(c.byAccount, e.key)
		}
	}
}

// add caches an answer the server gave at position pos, unless a change
// applied since may concern it (or it cannot be told).
func (c *cache) add(e *entry, pos uint64) {
	if pos < c.pos {
		if len(c.recent) == 0 || c.recent[0].Seq > pos+1 {
			return // the changes since are not all remembered
		}
		for _, ch := range c.recent {
			if ch.Seq > pos && (ch.ID == e.session.SessionID || ch.ID == e.key) {
				return
			}
		}
	}
	if _, ok := c.ended[e.session.SessionID]; ok {
		return
	}
	if e.byHash {
		if old := c.byHash[e.hash]; old != nil {
			c.drop(old)
		}
		c.byHash[e.hash] = e
	}
	if old := c.bySession[e.session.SessionID]; old != nil && old != e && !old.byHash {
		c.drop(old)
	}
	c.bySession[e.session.SessionID] = e
	m := c.byAccount[e.key]
	if m == nil {
		m = map[*entry]struct{}{}
		c.byAccount[e.key] = m
	}
	m[e] = struct{}{}
}

// checkRequest is the body of POST /internal/v1/sessions/check.
type checkRequest struct {
	TokenHash string `json:"tokenHash,omitempty"`
	SessionID string `json:"sessionId,omitempty"`
}

// checkAnswer is its answer.
type checkAnswer struct {
	Position uint64 `json:"position"`
	Session  struct {
		AccountID     string    `json:"accountId"`
		SessionID     string    `json:"sessionId"`
		Email         string    `json:"email"`
		EmailVerified bool      `json:"emailVerified"`
		DisplayName   string    `json:"displayName"`
		TwoFactor     bool      `json:"twoFactor"`
		AuthTime      time.Time `json:"authTime"`
		AMR           []string  `json:"amr"`
		AppID         string    `json:"appId"`
		Workspaces    []struct {
			ID, Name, Role string
		} `json:"workspaces"`
	} `json:"session"`
	Error *struct {
		Name    string `json:"name"`
		Message string `json:"message"`
	} `json:"error"`
}

// ask checks a session with the server and caches the answer (by token
// hash h when the request names a token).
func (c *Checker) ask(ctx context.Context, req checkRequest, h [32]byte) (Session, error) {
	body, _ := json.Marshal(req)
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, c.cfg.Server+"/internal/v1/sessions/check", bytes.NewReader(body))
	if err != nil {
		return Session{}, err
	}
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("Authorization", "Bearer "+c.cfg.ServiceToken)
	resp, err := c.cfg.HTTPClient.Do(r)
	if err != nil {
		if ctx.Err() != nil {
			return Session{}, ctx.Err()
		}
		return Session{}, refuse(ErrUnavailable, "the account server cannot be reached: %v", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var a checkAnswer
	json.Unmarshal(b, &a)
	switch {
	case resp.StatusCode == http.StatusUnauthorized && a.Error != nil && a.Error.Name == "revoked":
		return Session{}, refuse(ErrEnded, "%s", a.Error.Message)
	case resp.StatusCode == http.StatusUnauthorized && a.Error != nil && a.Error.Name == "unauthorized":
		return Session{}, refuse(ErrInvalid, "%s", a.Error.Message)
	case resp.StatusCode == http.StatusUnauthorized:
		return Session{}, errors.New("verify: the account server refused the service token")
	case resp.StatusCode != http.StatusOK:
		return Session{}, refuse(ErrUnavailable, "the account server answered %s", resp.Status)
	}
	x := a.Session
	s := Session{AccountID: x.AccountID, SessionID: x.SessionID, Email: x.Email, EmailVerified: x.EmailVerified, DisplayName: x.DisplayName,
		TwoFactor: x.TwoFactor, AuthTime: x.AuthTime, AMR: x.AMR, App: x.AppID, Workspaces: make([]Workspace, len(x.Workspaces))}
	for i, w := range x.Workspaces {
		s.Workspaces[i] = Workspace{ID: w.ID, Name: w.Name, Role: w.Role}
	}
	e := &entry{session: s, key: accountKey(s.AccountID), hash: h, byHash: req.TokenHash != ""}
	c.mu.Lock()
	if c.live() {
		c.cache.add(e, a.Position)
	}
	c.mu.Unlock()
	return s, nil
}
