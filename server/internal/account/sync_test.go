package account_test

import (
	"encoding/json"
	"testing"

	"github.com/dialnexa/account/core/model"
	"github.com/dialnexa/account/server/internal/account"
)

func rename(id uint64, name string) account.Mutation {
	args, _ := json.Marshal(model.SetDisplayName{DisplayName: name})
	return account.Mutation{ID: id, Name: model.MutSetDisplayName, Args: args}
}

func TestApplyMutationsInOrder(t *testing.T) {
	e := newEnv(t)
	ada := e.signUp("ada@example.com", "Ada")
	e.fx.take()

	push := func(muts ...account.Mutation) (account.Applied, *account.Effects) {
		t.Helper()
		ack, fx, err := e.svc.ApplyMutations(e.ctx, ada, "client-1", muts)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.fx.take(); len(got) != 0 {
			t.Fatalf("a push published %+v itself; its caller publishes after the ack", got)
		}
		return ack, fx
	}

	// 1 and 2 apply; 2's name is the one kept.
	ack, fx := push(rename(1, "Ada L"), rename(2, "Ada Lovelace"))
	a := e.account(ada.AccountID)
	if ack.LastMutationID != 2 || len(ack.Results) != 2 || ack.Version != a.Version || a.DisplayName != "Ada Lovelace" {
		t.Fatalf("ack %+v, account %q v%d", ack, a.DisplayName, a.Version)
	}
	if len(fx.Views) != 1 || fx.Views[0] != ada.AccountID {
		t.Fatalf("effects %+v, want the account's view", fx)
	}

	// A replay is acknowledged without applying it again; a gap stops the
	// push where the server stands.
	ack, fx = push(rename(2, "Replayed"), rename(4, "After a gap"))
	if ack.LastMutationID != 2 || len(ack.Results) != 1 || !fx.Empty() || e.account(ada.AccountID).DisplayName != "Ada Lovelace" {
		t.Fatalf("replay and gap: ack %+v, effects %+v, name %q", ack, fx, e.account(ada.AccountID).DisplayName)
	}

	// A rule violation refuses that mutation only; the next one applies.
	ack, _ = push(rename(3, " "), rename(4, "Countess"))
	if ack.LastMutationID != 4 || ack.Results[0].Refused == "" || ack.Results[1].Refused != "" {
		t.Fatalf("ack %+v, want 3 refused and 4 applied", ack)
	}
	if got := e.account(ada.AccountID).DisplayName; got != "Countess" {
		t.Fatalf("name %q, want Countess", got)
	}

	// Out-of-order ids are refused whole.
	_, _, err := e.svc.ApplyMutations(e.ctx, ada, "client-1", []account.Mutation{rename(6, "x"), rename(5, "y")})
	refused(t, err, account.Invalid, account.Malformed)

	// A revoked session changes nothing.
	if err := e.svc.SignOut(e.ctx, ada); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.ApplyMutations(e.ctx, ada, "client-1", []account.Mutation{rename(5, "Ghost")}); err == nil {
		t.Fatal("a signed-out session's push was applied")
	}
	if got := e.account(ada.AccountID).DisplayName; got != "Countess" {
		t.Fatalf("name %q after a signed-out push", got)
	}
}

func TestRenameRefreshesTeammates(t *testing.T) {
	e := newEnv(t)
	ada := e.signUp("ada@example.com", "Ada")
	bob := e.signUp("bob@example.com", "Bob")
	join(t, e, ada, bob, "member")
	e.fx.take()
	bobBefore := e.account(bob.AccountID).Version

	_, fx, err := e.svc.ApplyMutations(e.ctx, ada, "c", []account.Mutation{rename(1, "Ada Lovelace")})
	if err != nil {
		t.Fatal(err)
	}
	if got := views([]account.Effects{*fx}); !got[ada.AccountID] || !got[bob.AccountID] {
		t.Fatalf("views pushed %v, want Ada's and her teammate Bob's", got)
	}
	if e.account(bob.AccountID).Version <= bobBefore {
		t.Fatal("the teammate's version did not move")
	}
	v, _, err := e.svc.View(e.ctx, bob.AccountID)
	if err != nil {
		t.Fatal(err)
	}
	if names := memberNames(v); !names["Ada Lovelace"] {
		t.Fatalf("Bob's member list shows %v", names)
	}
}

func memberNames(v model.View) map[string]bool {
	out := map[string]bool{}
	for _, ws := range v.Workspaces {
		for _, m := range ws.Members {
			out[m.DisplayName] = true
		}
	}
	return out
}
