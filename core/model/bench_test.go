package model

import (
	"fmt"
	"testing"
)

// BenchmarkApply is one mutation applied to a view (server and rebase).
func BenchmarkApply(b *testing.B) {
	args := NewMutationArgs(SetDisplayName{DisplayName: "Ada Lovelace"})
	v := View{Profile: Profile{DisplayName: "Ada"}}
	for b.Loop() {
		if err := Apply(&v, MutSetDisplayName, args); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCheckNewPassword(b *testing.B) {
	for b.Loop() {
		CheckNewPassword("violet kettle 42?", "ada@example.com", "Ada Lovelace")
	}
}

var sink View

// BenchmarkClone is the copy made for every rebase step.
func BenchmarkClone(b *testing.B) {
	v := View{Inbox: make([]Notification, InboxLimit), Activity: make([]Activity, ActivityLimit)}
	for i := range v.Inbox {
		v.Inbox[i].Title = fmt.Sprint(i)
	}
	for b.Loop() {
		sink = v.Clone()
	}
}
