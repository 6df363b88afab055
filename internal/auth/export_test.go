package auth

import "time"

// SetClock makes the signer read time from now (tests only).
func (s *Signer) SetClock(now func() time.Time) { s.now = now }
