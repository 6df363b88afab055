package job

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/document"
	"github.com/curatore/curatore/internal/extract"
	"github.com/curatore/curatore/internal/storage"
)

// Service holds the rules for jobs and batches. Every method takes the
// caller's scope first.
type Service struct {
	DB    *db.DB
	Queue *Queue
	Files storage.Store
	// Workers is the number of jobs this process runs at once (reported by
	// /system/queues).
	Workers int
	// Observer is told of runs that ended and tokens used (metrics; nil: nobody).
	Observer Observer

	hub     hub
	mu      sync.Mutex
	running map[string]context.CancelFunc // jobs running in this process
	tasks   map[string]Task               // task kinds this process runs
}

// Validate checks requested options.
func (o Options) Validate() error {
	var f apperr.Fields
	if t := o.QualityThresholds; t != nil {
		check := func(name string, v *float64, lo, hi float64) {
			if v != nil && (*v < lo || *v > hi) {
				f.Add("quality_thresholds."+name, "must be between "+trimFloat(lo)+" and "+trimFloat(hi))
			}
		}
		check("conversion", t.Conversion, 0, 100)
		check("clarity", t.Clarity, 1, 10)
		check("completeness", t.Completeness, 1, 10)
		check("relevance", t.Relevance, 1, 10)
		check("markdown", t.Markdown, 1, 10)
	}
	if e := o.ExtractionEngine; e != "" && e != extract.EngineNative && e != extract.EngineDocling &&
		e != extract.EngineService && e != extract.EngineAuto {
		f.Add("extraction_engine", "must be native, docling, default or auto")
	}
	if len(o.ImprovementPrompt) > 1000 {
		f.Add("improvement_prompt", "must be at most 1000 characters")
	}
	return f.Err()
}

func trimFloat(v float64) string { return fmtFloat(v) }

// Process enqueues a processing run of a document.
func (s *Service) Process(ctx context.Context, sc auth.Scope, docID string, o Options) (Job, error) {
	return s.enqueueOne(ctx, sc, docID, KindProcess, o, "job.process")
}

// Evaluate enqueues a run of the LLM review (and the gate) on the current version.
func (s *Service) Evaluate(ctx context.Context, sc auth.Scope, docID string, o Options) (Job, error) {
	return s.enqueueOne(ctx, sc, docID, KindEvaluate, o, "job.evaluate")
}

func (s *Service) enqueueOne(ctx context.Context, sc auth.Scope, docID, kind string, o Options, action string) (Job, error) {
	if err := o.Validate(); err != nil {
		return Job{}, err
	}
	var out Job
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: action, EntityType: "document", EntityID: docID}
	err := audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		d, err := document.Get(ctx, q, sc.OrgID, docID)
		if err != nil {
			return err
		}
		if kind == KindEvaluate && d.CurrentVersion == 0 {
			return apperr.New(apperr.Conflict, "not_processed", "the document has no Markdown yet; process it first")
		}
		jobs, err := s.createTx(ctx, q, []newJob{{OrgID: sc.OrgID, DocumentID: docID, Kind: kind, CreatedBy: sc.UserID, Options: o}})
		if err != nil {
			return err
		}
		out = jobs[0]
		e.Details = map[string]any{"job_id": out.ID, "kind": kind, "options": o}
		return nil
	})
	return out, s.nameActive(ctx, sc.OrgID, docID, err)
}

// nameActive fills in the active job of a conflict the unique index caught.
func (s *Service) nameActive(ctx context.Context, orgID, docID string, err error) error {
	e, ok := apperr.As(err)
	if !ok || e.Code != "job_active" || e.Extra["active_job_id"] != "" {
		return err
	}
	if active, aerr := ActiveFor(ctx, s.DB, orgID, docID); aerr == nil {
		e.Extra["active_job_id"] = active.ID
	}
	return err
}

// Edit stores content as a new "edited" version of a document and enqueues
// a re-score of it, in one transaction.
func (s *Service) Edit(ctx context.Context, sc auth.Scope, docID, content string, o Options) (Job, error) {
	if strings.TrimSpace(content) == "" {
		return Job{}, apperr.Field("content", "must not be empty")
	}
	if err := o.Validate(); err != nil {
		return Job{}, err
	}
	if _, err := document.Get(ctx, s.DB, sc.OrgID, docID); err != nil {
		return Job{}, err
	}
	vs, err := document.PutVersionFiles(ctx, s.Files, sc.OrgID, docID, []document.NewVersion{{Kind: document.KindEdited,
		Markdown: content, Note: o.ImprovementPrompt, CreatedBy: sc.UserID}})
	if err != nil {
		return Job{}, err
	}
	var out Job
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "document.edit", EntityType: "document", EntityID: docID}
	err = audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		if _, err := document.Get(ctx, q, sc.OrgID, docID); err != nil {
			return err
		}
		jobs, err := s.createTx(ctx, q, []newJob{{OrgID: sc.OrgID, DocumentID: docID, Kind: KindRescore, CreatedBy: sc.UserID, Options: o}})
		if err != nil {
			return err
		}
		out = jobs[0]
		vs[0].JobID = out.ID
		if err := document.InsertVersions(ctx, q, sc.OrgID, docID, vs); err != nil {
			return err
		}
		e.Details = map[string]any{"job_id": out.ID, "version": vs[0].Number, "size": vs[0].Size}
		return nil
	})
	if err != nil {
		document.RemoveFiles(ctx, s.Files, vs)
	}
	return out, s.nameActive(ctx, sc.OrgID, docID, err)
}

// Get returns one of the caller's jobs.
func (s *Service) Get(ctx context.Context, sc auth.Scope, id string) (Job, error) {
	return Get(ctx, s.DB, sc.OrgID, id)
}

// List returns a page of the caller's jobs.
func (s *Service) List(ctx context.Context, sc auth.Scope, f Filter) ([]Job, int, error) {
	return List(ctx, s.DB, sc.OrgID, f)
}

// ByDocument returns a document's active job, else its latest.
func (s *Service) ByDocument(ctx context.Context, sc auth.Scope, docID string) (Job, error) {
	j, err := LatestFor(ctx, s.DB, sc.OrgID, docID)
	if errors.Is(err, apperr.NotFound) {
		return Job{}, apperr.New(apperr.NotFound, "not_found", "no job found for document")
	}
	return j, err
}

// Logs returns a job's log entries after the given id.
func (s *Service) Logs(ctx context.Context, sc auth.Scope, id string, after int64) ([]Log, error) {
	return Logs(ctx, s.DB, sc.OrgID, id, after)
}

// BatchLogs returns the log entries of a batch's jobs after the given id.
func (s *Service) BatchLogs(ctx context.Context, sc auth.Scope, batchID string, after int64) ([]Log, error) {
	return BatchLogs(ctx, s.DB, sc.OrgID, batchID, after)
}

// Counts counts the caller's jobs by status.
func (s *Service) Counts(ctx context.Context, sc auth.Scope) (map[string]int, error) {
	return countByStatus(ctx, s.DB, `SELECT status, COUNT(*) FROM jobs WHERE org_id = ? GROUP BY status`, sc.OrgID)
}
