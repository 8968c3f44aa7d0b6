package model

// MaxPasskeyName is the longest name a passkey may have, in characters.
const MaxPasskeyName = 64

// NormalizePasskeyName trims a passkey's name and checks it: 1 to 64
// characters, so passkeys can be told apart, under the rule of every
// label (PasskeyNameLabel).
func NormalizePasskeyName(name string) (string, error) { return PasskeyNameLabel.Normalize(name) }
