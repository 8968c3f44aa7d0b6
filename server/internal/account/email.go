package account

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/auth"
	"github.com/dialnexa/account/server/internal/store"
)

// verifyLifetime is how long an email-verification link works.
const verifyLifetime = 24 * time.Hour

// ChangeEmailAnswer is what asking to change the address says, whether or
// not another account holds the new one.
const ChangeEmailAnswer = "We have sent a verification link to the new address. Your email changes when you open it (within 24 hours); until then, keep signing in with the current one."

// ChangeEmail mails a verification link to the new address, after checking
// the password. Nothing changes until the link is used. An address another
// account holds gets the same answer and no mail, so this reveals nothing
// and takes nothing over.
func (s *Service) ChangeEmail(ctx context.Context, ss store.Session, newEmail, password string) error {
	email, err := model.NormalizeEmail(newEmail)
	if err != nil {
		return invalid("%s", err)
	}
	if err := s.limit(ctx, "email-change", ss.AccountID, 5.0/3600, 5); err != nil {
		return err
	}
	a, release, err := s.checkOwnPassword(ctx, ss.AccountID, password, "Your password is not correct.")
	if err != nil {
		return err
	}
	defer release()
	if email == a.Email {
		return invalid("That is already your email address.")
	}
	tok, err := auth.NewToken(s.rand)
	if err != nil {
		return err
	}
	now := s.now()
	return s.change(ctx, func(tx txn) error {
		if _, err := tx.AccountByEmail(email); err == nil {
			return nil // taken: the same answer, no mail
		} else if !isNotFound(err) {
			return err
		}
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		if err := tx.PutToken(auth.HashToken(tok), store.Token{Kind: tokenEmail, AccountID: a.ID, Expires: now.Add(verifyLifetime), Data: email, Epoch: a.LinkEpoch}); err != nil {
			return err
		}
		return s.queueMail(tx, email, "verify-email", map[string]any{
			"Name": a.DisplayName, "Email": a.Email, "NewEmail": email,
			"Link": s.link("/verify-email#token=" + tok),
		})
	})
}

var errOtherAccount = errors.New("token of another account")

// VerifyEmail changes the address with the link from the mail and returns
// the new one. The link works once, for 24 hours, and only for the account
// that asked: callerToken, the session secret the request carried (if
// any), must not be another account's. The old address is told.
func (s *Service) VerifyEmail(ctx context.Context, o Origin, token, callerToken string) (string, error) {
	if err := s.limit(ctx, "verify", o.IP, 1, 20); err != nil {
		return "", err
	}
	hash := auth.HashToken(strings.TrimSpace(token))
	now := s.now()
	var a store.Account
	err := s.change(ctx, func(tx txn) error {
		t, err := liveToken(tx, hash, tokenEmail, now)
		if err != nil {
			return err
		}
		if callerToken != "" {
			// A live session of another account may not use the link; a
			// session that has ended is nobody's. A failure to tell fails
			// the request.
			ss, err := tx.SessionByToken(auth.HashToken(callerToken))
			var ended *store.EndedError
			switch {
			case err == nil && ss.AccountID != t.AccountID:
				return errOtherAccount
			case err != nil && !isNotFound(err) && !errors.As(err, &ended):
				return err
			}
		}
		if a, err = tx.Account(t.AccountID); err != nil {
			return err
		}
		old := a.Email
		if err := tx.ChangeEmail(&a, t.Data); err != nil {
			return err
		}
		a.EmailVerified = true
		if err := tx.DeleteToken(hash); err != nil {
			return err
		}
		if err := tx.AddActivity(&a, model.ActEmailChanged, "Email changed from "+old+" to "+a.Email+".", now); err != nil {
			return err
		}
		if err := s.queueMail(tx, old, "email-changed", map[string]any{"Name": a.DisplayName, "Email": old, "NewEmail": a.Email, "When": when(a.TimeZone, now)}); err != nil {
			return err
		}
		endLinks(&a)
		return tx.save(&a)
	})
	switch {
	case isNotFound(err):
		return "", refuse(Invalid, Expired, "This verification link has expired or was already used. Ask for a new one under Settings → Account → Profile.")
	case errors.Is(err, store.ErrEmailTaken):
		return "", refuse(Conflict, NoReason, "This address can no longer be used. Choose another one under Settings → Account → Profile.")
	case errors.Is(err, errOtherAccount):
		return "", forbidden("This link belongs to another account. Sign out first, or open it where that account is signed in.")
	}
	return a.Email, err
}
