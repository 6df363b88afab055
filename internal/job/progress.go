package job

import (
	"context"
	"log/slog"
	"time"

	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/pipeline"
)

// progress records a running pipeline's reports: the job's stage, percent
// and ETA, and a log entry for each report (the SSE stream's events).
type progress struct {
	s       *Service
	job     Job
	started time.Time
}

func (p *progress) report(r pipeline.Progress) {
	pct := min(max(r.Percent, 0), 99) // 100 is written when the result is stored
	var eta any
	if pct > 0 {
		elapsed := time.Since(p.started).Seconds()
		eta = int(elapsed * float64(100-pct) / float64(pct))
	}
	level := r.Level
	if level == "" {
		level = "info"
	}
	ctx := context.Background()
	now := db.Now()
	err := p.s.DB.InTx(ctx, func(q db.Querier) error {
		if _, err := q.Exec(ctx, `UPDATE jobs SET stage = ?, progress = ?, eta_seconds = ?, updated_at = ?
			WHERE org_id = ? AND id = ? AND status = 'running'`, r.Stage, pct, eta, now, p.job.OrgID, p.job.ID); err != nil {
			return err
		}
		return addLog(ctx, q, p.job.OrgID, Log{JobID: p.job.ID, TS: now, Level: level, Stage: r.Stage, Progress: pct,
			Status: StatusRunning, Message: r.Message})
	})
	if err != nil {
		slog.Warn("job: progress not recorded", "job_id", p.job.ID, "err", err)
	}
	p.job.Stage = r.Stage
	p.s.hub.publish()
}
