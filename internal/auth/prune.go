package auth

import (
	"context"
	"time"
)

// pruneGrace keeps ended sessions and spent tokens a day before deleting
// them, so that a reused refresh token shortly after a revocation is still
// recognised as such in the audit trail.
const pruneGrace = 24 * time.Hour

// PruneExpired deletes sessions and email tokens that ended more than a day
// ago, and returns how many rows went. The application runs it hourly.
func (s *Service) PruneExpired(ctx context.Context) (int64, error) {
	cutoff := s.now().Add(-pruneGrace)
	res, err := s.db.Exec(ctx, `DELETE FROM sessions WHERE expires_at < ? OR revoked_at < ?`, cutoff, cutoff)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	res, err = s.db.Exec(ctx, `DELETE FROM user_tokens WHERE expires_at < ? OR used_at < ?`, cutoff, cutoff)
	if err != nil {
		return n, err
	}
	m, _ := res.RowsAffected()
	return n + m, nil
}
