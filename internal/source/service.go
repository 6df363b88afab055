package source

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/document"
	"github.com/curatore/curatore/internal/job"
	"github.com/curatore/curatore/internal/sharepoint"
)

// GraphResolver gives an organization's Graph client (its default
// sharepoint connection, else MS_*); the connections resolver implements it.
type GraphResolver interface {
	SharePointFor(ctx context.Context, orgID string) (*sharepoint.Client, string, error)
}

// Service holds the rules for sources, inventories, imports and syncs.
// Every method takes the caller's scope first.
type Service struct {
	DB    *db.DB
	Docs  *document.Service
	Jobs  *job.Service
	Graph GraphResolver
}

// Register makes the job service run imports and syncs.
func (s *Service) Register() {
	s.Jobs.RegisterTask(job.KindImport, importTask{s})
	s.Jobs.RegisterTask(job.KindSync, syncTask{s})
}

// Input is a source to create or the fields of an update (nil: unchanged).
type Input struct {
	Name               *string
	FolderURL          *string
	Recursive          *bool
	ProcessAfterImport *bool
	Options            *job.Options
}

// apply validates in and sets it on src.
func (in Input) apply(src *Source) error {
	var f apperr.Fields
	if in.Name != nil {
		src.Name = strings.TrimSpace(*in.Name)
		if src.Name == "" || utf8.RuneCountInString(src.Name) > 200 || !utf8.ValidString(src.Name) {
			f.Add("name", "must be 1 to 200 characters")
		}
	}
	if in.FolderURL != nil {
		src.FolderURL = strings.TrimSpace(*in.FolderURL)
		if reason := checkFolderURL(src.FolderURL); reason != "" {
			f.Add("folder_url", reason)
		}
	}
	if in.Recursive != nil {
		src.Recursive = *in.Recursive
	}
	if in.ProcessAfterImport != nil {
		src.ProcessAfterImport = *in.ProcessAfterImport
	}
	if in.Options != nil {
		if err := in.Options.Validate(); err != nil {
			if e, ok := apperr.As(err); ok {
				for _, fe := range e.Fields {
					f.Add("options."+fe.Field, fe.Reason)
				}
			}
		}
		src.Options = *in.Options
	}
	return f.Err()
}

// checkFolderURL returns why u is not a usable folder link ("" if it is).
func checkFolderURL(u string) string {
	p, err := url.Parse(u)
	switch {
	case u == "":
		return "is required"
	case len(u) > 4096:
		return "must be at most 4096 characters"
	case err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "":
		return "must be an http(s) SharePoint folder URL or sharing link"
	}
	return ""
}

// Create saves a new source of the caller's organization.
func (s *Service) Create(ctx context.Context, sc auth.Scope, in Input) (Source, error) {
	if in.Name == nil || in.FolderURL == nil {
		var f apperr.Fields
		if in.Name == nil {
			f.Add("name", "is required")
		}
		if in.FolderURL == nil {
			f.Add("folder_url", "is required")
		}
		return Source{}, f.Err()
	}
	now := db.Now()
	src := Source{ID: db.NewID(), OrgID: sc.OrgID, Kind: "sharepoint", CreatedBy: sc.UserID, CreatedAt: now, UpdatedAt: now}
	if err := in.apply(&src); err != nil {
		return Source{}, err
	}
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "source.create", EntityType: "source", EntityID: src.ID}
	err := audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		e.Details = map[string]any{"name": src.Name, "folder_url": src.FolderURL, "recursive": src.Recursive,
			"process_after_import": src.ProcessAfterImport}
		return nameTaken(insert(ctx, q, src))
	})
	return src, err
}

func nameTaken(err error) error {
	if errors.Is(err, apperr.Conflict) {
		return &apperr.Error{Kind: apperr.Conflict, Code: "source_name_taken", Detail: "a source with this name exists",
			Fields: []apperr.FieldError{{Field: "name", Reason: "is already used by another source"}}}
	}
	return err
}

// Get returns one of the caller's sources.
func (s *Service) Get(ctx context.Context, sc auth.Scope, id string) (Source, error) {
	return Get(ctx, s.DB, sc.OrgID, id)
}

// List returns the caller's sources.
func (s *Service) List(ctx context.Context, sc auth.Scope) ([]Source, error) {
	return List(ctx, s.DB, sc.OrgID)
}

// Update changes a source; a new folder or depth makes the next sync start
// over from a full enumeration.
func (s *Service) Update(ctx context.Context, sc auth.Scope, id string, in Input) (Source, error) {
	var out Source
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "source.update", EntityType: "source", EntityID: id}
	err := audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		src, err := Get(ctx, q, sc.OrgID, id)
		if err != nil {
			return err
		}
		before := src
		if err := in.apply(&src); err != nil {
			return err
		}
		reset := src.FolderURL != before.FolderURL || src.Recursive != before.Recursive
		e.Details = changes(before, src)
		if err := nameTaken(update(ctx, q, src, reset)); err != nil {
			return err
		}
		out, err = Get(ctx, q, sc.OrgID, id)
		return err
	})
	return out, err
}

func changes(a, b Source) map[string]any {
	d := map[string]any{}
	if a.Name != b.Name {
		d["name"] = map[string]any{"from": a.Name, "to": b.Name}
	}
	if a.FolderURL != b.FolderURL {
		d["folder_url"] = map[string]any{"from": a.FolderURL, "to": b.FolderURL}
	}
	if a.Recursive != b.Recursive {
		d["recursive"] = b.Recursive
	}
	if a.ProcessAfterImport != b.ProcessAfterImport {
		d["process_after_import"] = b.ProcessAfterImport
	}
	return d
}

// Delete removes a source; its documents stay (no longer attached to it).
// A source with a sync queued or running is a conflict: cancel it first.
func (s *Service) Delete(ctx context.Context, sc auth.Scope, id string) error {
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "source.delete", EntityType: "source", EntityID: id}
	return audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		src, err := Get(ctx, q, sc.OrgID, id)
		if err != nil {
			return err
		}
		if active, err := s.activeSync(ctx, q, sc.OrgID, id); err != nil {
			return err
		} else if active != "" {
			return &apperr.Error{Kind: apperr.Conflict, Code: "sync_active", Detail: "the source has a sync queued or running; cancel it first",
				Extra: map[string]any{"active_job_id": active}}
		}
		n, err := document.DetachSource(ctx, q, sc.OrgID, id)
		if err != nil {
			return err
		}
		e.Details = map[string]any{"name": src.Name, "documents_kept": n}
		_, err = q.Exec(ctx, `DELETE FROM sources WHERE org_id = ? AND id = ?`, sc.OrgID, id)
		return err
	})
}

func (s *Service) activeSync(ctx context.Context, q db.Querier, orgID, id string) (string, error) {
	jobs, _, err := job.List(ctx, q, orgID, job.Filter{SourceID: id, Kind: job.KindSync, Limit: 5})
	if err != nil {
		return "", err
	}
	for _, j := range jobs {
		if job.Active(j.Status) {
			return j.ID, nil
		}
	}
	return "", nil
}

// Sync enqueues a sync of a source (202): a job of kind "sync", the
// source's latest sync from then on (see syncTask.Enqueued).
func (s *Service) Sync(ctx context.Context, sc auth.Scope, id string) (job.Job, error) {
	var out job.Job
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "source.sync", EntityType: "source", EntityID: id}
	err := audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		src, err := Get(ctx, q, sc.OrgID, id)
		if err != nil {
			return err
		}
		out, err = s.Jobs.EnqueueTaskTx(ctx, q, job.NewTask{OrgID: sc.OrgID, Kind: job.KindSync, SourceID: src.ID,
			CreatedBy: sc.UserID, Params: map[string]any{"source_id": src.ID}})
		if err != nil {
			return err
		}
		e.Details = map[string]any{"job_id": out.ID}
		return nil
	})
	return out, err
}
