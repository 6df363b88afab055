package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/chunk"
	"github.com/curatore/curatore/internal/document"
	"github.com/curatore/curatore/internal/export"
	"github.com/curatore/curatore/internal/extract/format"
	"github.com/curatore/curatore/internal/pipeline"
)

// ExportsData is the export page: which documents, in which form.
type ExportsData struct {
	IDs        []string // the documents chosen on the list; empty: a whole set
	Size       int
	Overlap    int
	Tokenizer  string
	Tokenizers []string
}

func (u *UI) exportRoutes() {
	u.page("GET /exports", signedIn, u.exportsPage)
	u.page("POST /exports", signedIn, u.runExport)
}

func (u *UI) exportsPage(w http.ResponseWriter, r *http.Request, v *View) error {
	_ = r.ParseForm()
	d := &ExportsData{IDs: r.Form["id"], Size: chunk.DefaultSize, Overlap: chunk.DefaultOverlap,
		Tokenizer: chunk.DefaultTokenizer, Tokenizers: chunk.Tokenizers()}
	if vals, ok := u.values(r, v); ok {
		d.Size, d.Overlap, d.Tokenizer = vals.ChunkSize(), vals.ChunkOverlap(), vals.ChunkTokenizer()
	}
	v.Title, v.Section, v.Data = "Export", "documents", d
	u.render(w, r, "exports", v)
	return nil
}

// exportSource reads the caller's documents for the export writers.
type exportSource struct {
	svc *document.Service
	sc  auth.Scope
}

// Load reads one version's Markdown and page map.
func (s exportSource) Load(ctx context.Context, ref export.Ref) (string, []format.Page, error) {
	_, v, md, err := s.svc.Markdown(ctx, s.sc, ref.DocumentID, ref.Version)
	return md, v.Pages, err
}

// refs yields the chosen documents, or every document (RAG-ready ones
// only when ragOnly) a page at a time; documents without Markdown are
// left out.
func (s exportSource) refs(ids []string, ragOnly bool) export.Refs {
	return func(ctx context.Context, each func(export.Ref) error) error {
		if len(ids) > 0 {
			var docs []document.Document
			for _, id := range ids {
				d, err := s.svc.Get(ctx, s.sc, id)
				if err != nil {
					return err
				}
				docs = append(docs, d)
			}
			return s.yield(ctx, docs, each)
		}
		f := document.Filter{Limit: 200, SkipTotal: true}
		if ragOnly {
			ready := true
			f.RAGReady = &ready
		}
		for {
			page, err := s.svc.List(ctx, s.sc, f)
			if err != nil {
				return err
			}
			if err := s.yield(ctx, page.Documents, each); err != nil || page.Next == "" {
				return err
			}
			f.After = page.Next
		}
	}
}

func (s exportSource) yield(ctx context.Context, docs []document.Document, each func(export.Ref) error) error {
	latest, err := s.svc.LatestResults(ctx, s.sc, docs)
	if err != nil {
		return err
	}
	for _, d := range docs {
		if d.CurrentVersion == 0 {
			continue
		}
		var res *pipeline.Result
		if r, ok := latest[d.ID]; ok {
			res = &r.Result
		}
		q := export.QualityOf(res)
		q.RAGReady = d.RAGReady
		if err := each(export.Ref{DocumentID: d.ID, Filename: d.Filename, Source: "upload", Version: d.CurrentVersion, Quality: q}); err != nil {
			return err
		}
	}
	return nil
}

// runExport streams the chosen export as a download and audits it. An
// error before the first byte is shown on the page; after it the
// connection is cut, so a truncated file is not taken for a whole one.
func (u *UI) runExport(w http.ResponseWriter, r *http.Request, v *View) error {
	_ = r.ParseForm()
	ids := r.PostForm["id"]
	format := r.PostFormValue("format")
	src := exportSource{svc: u.deps.Documents, sc: v.Scope}
	stamp := time.Now().UTC().Format("20060102_150405")
	out := &lazyWriter{w: w}
	var err error
	entry := audit.Entry{OrgID: v.Scope.OrgID, UserID: v.Scope.UserID, EntityType: "document",
		Details: map[string]any{"format": format, "documents": len(ids), "source": "web"}}
	if format == "jsonl" {
		entry.Action = "documents.export_jsonl"
		opt, oerr := chunkOptionsFromForm(r)
		if oerr != nil {
			return u.exportFailed(w, r, v, oerr)
		}
		out.ctype, out.name = "application/x-ndjson", "curatore_chunks_"+stamp+".jsonl"
		var st export.Stats
		st, err = export.WriteJSONL(r.Context(), out, src.refs(ids, len(ids) == 0), src, opt)
		entry.Details["chunks"], entry.Details["documents"] = st.Chunks, st.Documents
	} else {
		entry.Action = "documents.download"
		typ := map[string]string{"zip_combined": export.TypeCombined, "zip_rag_ready": export.TypeRAGReady}[format]
		if typ == "" {
			typ = export.TypeIndividual
		}
		out.ctype, out.name = "application/zip", "curatore_export_"+stamp+".zip"
		opt := export.ZipOptions{Type: typ, IncludeSummary: r.PostFormValue("summary") == "on"}
		_, err = export.WriteZip(r.Context(), out, src.refs(ids, typ == export.TypeRAGReady && len(ids) == 0), src, opt)
	}
	if err != nil {
		entry.Status, entry.Error = audit.Failure, err.Error()
	}
	if aerr := audit.Record(context.WithoutCancel(r.Context()), u.deps.DB, entry); aerr != nil {
		slog.ErrorContext(r.Context(), "audit export", "err", aerr)
	}
	switch {
	case err == nil:
		return nil
	case !out.started:
		return u.exportFailed(w, r, v, err)
	}
	slog.WarnContext(r.Context(), "export cut short", "err", err)
	panic(http.ErrAbortHandler)
}

// exportFailed shows the export page again with the reason in words.
func (u *UI) exportFailed(w http.ResponseWriter, r *http.Request, v *View, err error) error {
	if errors.Is(err, export.ErrNoneRAGReady) {
		v.Error, v.Status = "None of these documents is RAG-ready, so the archive would be empty.", http.StatusConflict
	} else if v.SetError(err) == http.StatusInternalServerError {
		return err
	}
	return u.exportsPage(w, r, v)
}

// chunkOptionsFromForm reads the chunk size, overlap and tokenizer.
func chunkOptionsFromForm(r *http.Request) (chunk.Options, error) {
	size, err1 := strconv.Atoi(r.PostFormValue("chunk_size"))
	overlap, err2 := strconv.Atoi(r.PostFormValue("chunk_overlap"))
	if err1 != nil || err2 != nil {
		return chunk.Options{}, fieldErr("chunk_size", "enter whole numbers of tokens")
	}
	tok, err := chunk.NewTokenizer(r.PostFormValue("tokenizer"))
	if err != nil {
		return chunk.Options{}, fieldErr("tokenizer", "choose one of the listed tokenizers")
	}
	opt := chunk.Options{Size: size, Overlap: overlap, Tokenizer: tok}
	var fe *chunk.FieldError
	if err := opt.Validate(); errors.As(err, &fe) {
		return opt, fieldErr(fe.Field, fe.Reason)
	}
	return opt, nil
}

// lazyWriter sets the download headers on the first write, so a failure
// before any byte can still be answered with a page.
type lazyWriter struct {
	w           http.ResponseWriter
	ctype, name string
	started     bool
}

func (l *lazyWriter) Write(p []byte) (int, error) {
	if !l.started {
		l.started = true
		h := l.w.Header()
		h.Set("Content-Type", l.ctype)
		h.Set("Content-Disposition", export.ContentDisposition(l.name))
		h.Del("Content-Security-Policy")
	}
	return l.w.Write(p)
}
