package auth

import "time"

// SetClock makes the signer read time from now (tests only).
func (s *Signer) SetClock(now func() time.Time) { s.now = now }

// KeyOf is the digest a limiter keeps for an identifier (tests only).
func KeyOf(s string) []byte {
	k := keyOf(s)
	return k[:]
}
