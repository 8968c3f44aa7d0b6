package account

import (
	"context"
	// The zone database time zones are checked against, built in: the
	// same on every platform the server runs on.
	_ "time/tzdata"

	model "github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/store"
)

// SetTimeZone sets the account's time zone (an IANA name the server's
// embedded zone database knows): mails give times in it.
func (s *Service) SetTimeZone(ctx context.Context, ss store.Session, name string) error {
	tz, err := model.NormalizeTimeZone(name)
	if err != nil {
		return ruleError(err)
	}
	if tz == model.DefaultTimeZone {
		tz = ""
	}
	return s.change(ctx, func(tx txn) error {
		a, err := tx.Account(ss.AccountID)
		if err != nil {
			return err
		}
		if a.TimeZone == tz {
			return nil
		}
		a.TimeZone = tz
		return tx.save(&a)
	})
}
