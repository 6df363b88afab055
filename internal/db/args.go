package db

import "time"

// bindArgs prepares query arguments for the engine. On SQLite a time is
// stored and compared as text ("2006-01-02 15:04:05.999999999-07:00", the
// driver's format): that text sorts as the times do only while every value
// carries the same offset, so every time is bound in UTC — whatever zone
// the caller's value is in, and whatever the server's local zone. Without
// it a time in another zone would compare wrongly against the stored ones
// (`created_at < ?`, keyset cursors, expiry checks). PostgreSQL compares
// TIMESTAMPTZ values as instants and needs nothing. args is copied only
// when a value changes.
func bindArgs(e Engine, args []any) []any {
	if e != SQLite {
		return args
	}
	out, copied := args, false
	for i, a := range args {
		var t time.Time
		switch v := a.(type) {
		case time.Time:
			t = v
		case *time.Time:
			if v == nil {
				continue
			}
			t = *v
		default:
			continue
		}
		if t.Location() == time.UTC {
			continue
		}
		if !copied {
			out, copied = append([]any(nil), args...), true
		}
		out[i] = t.UTC()
	}
	return out
}
