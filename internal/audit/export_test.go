package audit

import "time"

// SetNow fixes the Coalescer's clock (tests).
func (c *Coalescer) SetNow(f func() time.Time) { c.now = f }
