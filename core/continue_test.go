package core

import "testing"

func TestContinueTo(t *testing.T) {
	for _, tc := range []struct {
		search, next string
		fresh        bool
	}{
		{"?next=%2Fauthorize%3Fid%3Dabc", "/authorize?id=abc", false},
		{"?next=%2Fauthorize%3Fid%3Dabc&fresh=1", "/authorize?id=abc", true},
		{"next=/authorize?id=a%252Bb", "/authorize?id=a%2Bb", false},
		{"", "", false},
		{"?next=https%3A%2F%2Fevil.example%2Fauthorize%3Fid%3Dabc", "", false},
		{"?next=%2F%2Fevil.example%2Fauthorize%3Fid%3Dabc", "", false},
		{"?next=%2Fsettings", "", false},
		{"?next=%2Fauthorize", "", false},
		{"?next=javascript%3Aalert(1)", "", false},
		{"?next=%2Fauthorize%3Fid%3Dabc%26next%3Dhttps%3A%2F%2Fevil.example", "/authorize?id=abc", false},
		{"?next=%2Finvite", "/invite", false},
		{"?next=%2Finvite%3Ftoken%3Dleak%23x", "/invite", false}, // nothing of it but the page
		{"?next=%2F%2Fevil.example%2Finvite", "", false},
	} {
		next, fresh := ContinueTo(tc.search)
		if next != tc.next || fresh != tc.fresh {
			t.Errorf("ContinueTo(%q) = %q, %v; want %q, %v", tc.search, next, fresh, tc.next, tc.fresh)
		}
	}
}
