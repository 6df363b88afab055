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
	return export.Ref{DocumentID: doc.ID, Filename: doc.Filename, Source: "upload", Version: doc.CurrentVersion, Quality: q}
}

// refs yields the documents of the list matching f that have Markdown,
// a page of 200 at a time.
func (d docSource) refs(f document.Filter) export.Refs {
	return func(ctx context.Context, each func(export.Ref) error) error {
		f.Limit, f.SkipTotal, f.After, f.Skip = 200, true, "", 0
		for {
			page, err := d.svc.List(ctx, d.sc, f)
			if err != nil {
				return err
			}
			if err := d.yield(ctx, page.Documents, each); err != nil {
				return err
			}
			switch {
			case page.Next != "":
				f.After = page.Next
			case len(page.Documents) == f.Limit:
				f.Skip += f.Limit
			default:
				return nil
			}
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
