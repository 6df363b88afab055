package httpapi

import (
	"context"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/document"
	"github.com/curatore/curatore/internal/export"
	"github.com/curatore/curatore/internal/extract/format"
	"github.com/curatore/curatore/internal/pipeline"
)

// docSource adapts the document service to the export writers for one
// caller: refs from the caller's documents, Markdown of pinned versions.
type docSource struct {
	svc *document.Service
	sc  auth.Scope
}

// Load reads one version's Markdown and page map.
func (d docSource) Load(ctx context.Context, ref export.Ref) (string, []format.Page, error) {
	_, v, md, err := d.svc.Markdown(ctx, d.sc, ref.DocumentID, ref.Version)
	return md, v.Pages, err
}

// ref describes a document's current version: the latest result's scores
// and reasons, RAG-ready as it stands (an org admin's override wins).
func ref(doc document.Document, res *document.StoredResult) export.Ref {
	var r *pipeline.Result
	if res != nil {
		r = &res.Result
	}
	q := export.QualityOf(r)
	q.RAGReady = doc.RAGReady
	if doc.RAGOverride != nil {
		q.ReasonCodes = append(q.ReasonCodes, "rag_override")
	}
	source := "upload"
	if doc.SourceURL != "" {
		source = doc.SourceURL // imported from SharePoint
	}
	return export.Ref{DocumentID: doc.ID, Filename: doc.Filename, Source: source, Version: doc.CurrentVersion, Quality: q}
}

// refs yields the documents of the list matching f that have Markdown, a
// page of 200 at a time. Pages are read by offset over the list's total
// order rather than by cursor: the cursor compares stored timestamps, whose
// text form on SQLite does not always sort as the times do, and a cursor
// that goes back would repeat pages for ever. A document the previous page
// had (rows shifted by a concurrent upload) is not yielded twice.
func (d docSource) refs(f document.Filter) export.Refs {
	return func(ctx context.Context, each func(export.Ref) error) error {
		f.Limit, f.SkipTotal, f.After, f.Skip = 200, true, "", 0
		var prev map[string]bool
		for {
			page, err := d.svc.List(ctx, d.sc, f)
			if err != nil {
				return err
			}
			cur := make(map[string]bool, len(page.Documents))
			fresh := make([]document.Document, 0, len(page.Documents))
			for _, doc := range page.Documents {
				cur[doc.ID] = true
				if !prev[doc.ID] {
					fresh = append(fresh, doc)
				}
			}
			if err := d.yield(ctx, fresh, each); err != nil {
				return err
			}
			if len(page.Documents) < f.Limit {
				return nil
			}
			f.Skip += f.Limit
			prev = cur
		}
	}
}

// yield passes the documents with Markdown to each, with their latest
// results.
func (d docSource) yield(ctx context.Context, docs []document.Document, each func(export.Ref) error) error {
	latest, err := d.svc.LatestResults(ctx, d.sc, docs)
	if err != nil {
		return err
	}
	for _, doc := range docs {
		if doc.CurrentVersion == 0 {
			continue
		}
		var res *document.StoredResult
		if r, ok := latest[doc.ID]; ok {
			res = &r
		}
		if err := each(ref(doc, res)); err != nil {
			return err
		}
	}
	return nil
}
