package httpapi

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/chunk"
	"github.com/curatore/curatore/internal/document"
	"github.com/curatore/curatore/internal/export"
)

// MaxBulkDownload bounds the ids of one bulk download.
const MaxBulkDownload = 10000

// BulkDownloadRequest is the reference's bulk download body.
type BulkDownloadRequest struct {
	DocumentIDs     []string `json:"document_ids"`
	DownloadType    string   `json:"download_type,omitempty" doc:"individual (default), combined or rag_ready; summary is read as individual"`
	IncludeSummary  *bool    `json:"include_summary,omitempty" doc:"add PROCESSING_SUMMARY_<time>.md (default true)"`
	IncludeCombined bool     `json:"include_combined,omitempty" doc:"the same as download_type combined"`
	ZipName         string   `json:"zip_name,omitempty" doc:"file name of the download; made safe, .zip added"`
	CustomFilename  string   `json:"custom_filename,omitempty" doc:"the reference's name for zip_name"`
}

// ChunkPreview is one document version cut into chunks.
type ChunkPreview struct {
	DocumentID   string          `json:"document_id"`
	Version      int             `json:"document_version"`
	Tokenizer    string          `json:"tokenizer"`
	ChunkSize    int             `json:"chunk_size"`
	ChunkOverlap int             `json:"chunk_overlap"`
	ChunkCount   int             `json:"chunk_count"`
	Chunks       []export.Record `json:"chunks"`
}

func (s *Server) exportRoutes() []Route {
	if s.deps.Documents == nil {
		return nil
	}
	const p = "/api/v1/documents"
	const chunkParams = "chunk_size, chunk_overlap, tokenizer (cl100k_base, o200k_base, characters); defaults from the chunking settings"
	return []Route{
		{Method: "POST", Path: p + "/download/bulk", Tag: "exports", Access: Authenticated, Body: BulkDownloadRequest{},
			Handle: s.bulkDownload, Summary: "Download documents as a ZIP streamed as it is built (individual, combined, " +
				"rag_ready), with manifest.json (SHA-256 of every entry, scores, reason codes) and an optional summary"},
		{Method: "GET", Path: p + "/download/rag-ready", Tag: "exports", Access: Authenticated, Handle: s.ragReadyDownload,
			Summary: "Download every RAG-ready document as a streamed ZIP: zip_name, include_summary (default true)"},
		{Method: "GET", Path: p + "/export.jsonl", Tag: "exports", Access: Authenticated, Handle: s.exportJSONL,
			Summary: "Stream chunk records as JSON Lines (schema: /api/v1/documents/chunk-schema.json). Filters as the " +
				"document list (rag_ready: true by default, false, or all); " + chunkParams},
		{Method: "GET", Path: p + "/{id}/chunks", Tag: "exports", Access: Authenticated, Resp: ChunkPreview{},
			Handle: s.previewChunks, Summary: "Preview a document's chunks: version (default current), " + chunkParams},
		{Method: "GET", Path: p + "/chunk-schema.json", Tag: "exports", Access: Public, Handle: s.chunkSchema,
			Summary: "The JSON Schema (2020-12) of a chunk record"},
	}
}

func (s *Server) bulkDownload(w http.ResponseWriter, r *http.Request) error {
	var req BulkDownloadRequest
	if err := DecodeJSON(w, r, &req); err != nil {
		return err
	}
	typ, err := downloadType(req)
	if err != nil {
		return err
	}
	src := docSource{svc: s.deps.Documents, sc: callerScope(r)}
	docs, err := s.requestedDocuments(r.Context(), src, req.DocumentIDs, typ)
	if err != nil {
		return err
	}
	refs, err := s.bulkRefs(r.Context(), src, docs, typ)
	if err != nil {
		return err
	}
	stamp := time.Now().UTC().Format("20060102_150405")
	fallback := "curatore_export_" + stamp + ".zip"
	if typ == export.TypeCombined {
		fallback = "curatore_combined_export_" + stamp + ".zip"
	}
	name := export.ZipName(cmp.Or(req.ZipName, req.CustomFilename), fallback)
	summary := req.IncludeSummary == nil || *req.IncludeSummary
	return s.streamZip(w, r, src, export.RefList(refs), name, export.ZipOptions{Type: typ, IncludeSummary: summary})
}

// downloadType reads download_type (and include_combined).
func downloadType(req BulkDownloadRequest) (string, error) {
	var f apperr.Fields
	n := len(req.DocumentIDs)
	if n == 0 || n > MaxBulkDownload {
		f.Add("document_ids", fmt.Sprintf("must list between 1 and %d document ids", MaxBulkDownload))
	}
	if len(req.ZipName) > 255 || len(req.CustomFilename) > 255 {
		f.Add("zip_name", "must be at most 255 bytes")
	}
	typ := req.DownloadType
	switch typ {
	case "", "summary", export.TypeIndividual:
		typ = export.TypeIndividual
	case export.TypeCombined, export.TypeRAGReady:
	default:
		f.Add("download_type", "must be individual, combined or rag_ready")
	}
	if req.IncludeCombined && typ == export.TypeIndividual {
		typ = export.TypeCombined
	}
	return typ, f.Err()
}

// requestedDocuments looks up the ids in the caller's organization: ids
// that are not there are a 404 naming them; for a full export, documents
// without Markdown are a conflict naming them.
func (s *Server) requestedDocuments(ctx context.Context, src docSource, ids []string, typ string) ([]document.Document, error) {
	var docs []document.Document
	var missing, unprocessed []string
	seen := map[string]bool{}
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		d, err := src.svc.Get(ctx, src.sc, id)
		switch {
		case errors.Is(err, apperr.NotFound):
			missing = append(missing, id)
		case err != nil:
			return nil, err
		case d.CurrentVersion == 0 && typ != export.TypeRAGReady:
			unprocessed = append(unprocessed, id)
		default:
			docs = append(docs, d)
		}
	}
	if len(missing) > 0 {
		return nil, apperr.New(apperr.NotFound, "documents_not_found", "documents not found: "+idList(missing))
	}
	if len(unprocessed) > 0 {
		return nil, apperr.New(apperr.Conflict, "documents_not_processed",
			"these documents have no Markdown yet (process them first): "+idList(unprocessed))
	}
	return docs, nil
}

// idList names at most 20 ids.
func idList(ids []string) string {
	if len(ids) > 20 {
		return strings.Join(ids[:20], ", ") + fmt.Sprintf(" and %d more", len(ids)-20)
	}
	return strings.Join(ids, ", ")
}

// bulkRefs describes the documents; for rag_ready, only the RAG-ready ones,
// and none is a 404 that says so.
func (s *Server) bulkRefs(ctx context.Context, src docSource, docs []document.Document, typ string) ([]export.Ref, error) {
	var refs []export.Ref
	err := src.yield(ctx, docs, func(r export.Ref) error {
		if typ != export.TypeRAGReady || r.Quality.RAGReady {
			refs = append(refs, r)
		}
		return nil
	})
	if err == nil && len(refs) == 0 {
		err = noneReady(fmt.Sprintf("none of the %d documents asked for is RAG-ready", len(docs)))
	}
	return refs, err
}

func noneReady(detail string) error {
	return apperr.New(apperr.NotFound, "no_rag_ready_documents",
		detail+"; GET /api/v1/documents?rag_ready=false lists them with their reason codes")
}

func (s *Server) ragReadyDownload(w http.ResponseWriter, r *http.Request) error {
	p := params(r)
	summary := p.boolean("include_summary")
	name := p.str("zip_name")
	if len(name) > 255 {
		p.fields.Add("zip_name", "must be at most 255 bytes")
	}
	if err := p.err(); err != nil {
		return err
	}
	src := docSource{svc: s.deps.Documents, sc: callerScope(r)}
	ready := true
	// Oldest first: documents uploaded meanwhile come last, not between pages.
	refs := src.refs(document.Filter{RAGReady: &ready, Sort: "uploaded_at"})
	opt := export.ZipOptions{Type: export.TypeRAGReady, IncludeSummary: summary == nil || *summary}
	return s.streamZip(w, r, src, refs, export.ZipName(name, "curatore_rag_ready_export.zip"), opt)
}

// streamZip writes the archive to the response as it is built, and audits
// the export. An error before the first byte is a problem response; after
// it, the connection is cut so that the client cannot take a truncated
// archive for a whole one.
func (s *Server) streamZip(w http.ResponseWriter, r *http.Request, src docSource, refs export.Refs, name string, opt export.ZipOptions) error {
	opt.Now = time.Now()
	out := &responseStream{w: w, headers: map[string]string{"Content-Type": "application/zip", "Content-Disposition": export.ContentDisposition(name)}}
	m, err := export.WriteZip(r.Context(), out, refs, src, opt)
	if errors.Is(err, export.ErrNoneRAGReady) {
		err = noneReady("no document of the organization is RAG-ready")
	}
	details := map[string]any{"download_type": opt.Type, "zip_name": name, "documents": m.DocumentCount,
		"rag_ready": m.RAGReadyCount, "bytes": out.n}
	if len(m.Documents) <= 100 {
		ids := make([]string, 0, len(m.Documents))
		for _, d := range m.Documents {
			ids = append(ids, d.DocumentID)
		}
		details["document_ids"] = ids
	}
	return s.finishExport(r, out, audit.Entry{Action: "documents.download", EntityType: "document", Details: details}, err)
}

// finishExport audits an export and settles its error: a problem when
// nothing was sent yet, a cut connection otherwise.
func (s *Server) finishExport(r *http.Request, out *responseStream, e audit.Entry, err error) error {
	sc := callerScope(r)
	e.OrgID, e.UserID = sc.OrgID, sc.UserID
	if err != nil {
		e.Status, e.Error = audit.Failure, err.Error()
	}
	if aerr := audit.Record(context.WithoutCancel(r.Context()), s.deps.DB, e); aerr != nil {
		slog.ErrorContext(r.Context(), "audit export", "err", aerr)
	}
	if err == nil {
		return nil
	}
	if !out.started {
		return err
	}
	slog.WarnContext(r.Context(), "export cut short", "err", err, "request_id", requestID(r.Context()))
	panic(http.ErrAbortHandler)
}

// exportWriteWindow is how long an export may go without writing before
// the server gives up on the client. A running export keeps moving its
// write deadline forward, so the server's WriteTimeout does not cut a long
// export that is making progress.
const exportWriteWindow = 2 * time.Minute

// responseStream sets its headers and status on the first write, so that
// an export that fails before writing anything can still answer with a
// problem, and moves the write deadline forward as it goes.
type responseStream struct {
	w        http.ResponseWriter
	headers  map[string]string
	started  bool
	n        int64
	extended time.Time
	window   time.Duration // 0: exportWriteWindow
}

func (s *responseStream) Write(p []byte) (int, error) {
	if !s.started {
		s.started = true
		for k, v := range s.headers {
			s.w.Header().Set(k, v)
		}
		s.w.WriteHeader(http.StatusOK)
	}
	window := cmp.Or(s.window, exportWriteWindow)
	if now := time.Now(); now.Sub(s.extended) > window/8 {
		s.extended = now
		// Not every writer supports deadlines (test recorders); then there
		// is no server timeout to move either.
		_ = http.NewResponseController(s.w).SetWriteDeadline(now.Add(window))
	}
	n, err := s.w.Write(p)
	s.n += int64(n)
	return n, err
}

// chunkOptions reads chunk_size, chunk_overlap and tokenizer; what is not
// given comes from the organization's chunking settings.
func (s *Server) chunkOptions(r *http.Request, p *queryParams) chunk.Options {
	defSize, defOverlap, defTok := chunk.DefaultSize, chunk.DefaultOverlap, chunk.DefaultTokenizer
	if s.deps.Settings != nil {
		if v, err := s.deps.Settings.Values(r.Context(), callerScope(r)); err == nil {
			defSize, defOverlap, defTok = v.ChunkSize(), v.ChunkOverlap(), v.ChunkTokenizer()
		}
	}
	size := p.integer("chunk_size", defSize, chunk.MinSize, chunk.MaxSize)
	overlap := p.integer("chunk_overlap", min(defOverlap, size/2), 0, size/2)
	tk, err := chunk.NewTokenizer(cmp.Or(p.str("tokenizer"), defTok))
	if err != nil {
		p.fields.Add("tokenizer", "must be one of "+strings.Join(chunk.Tokenizers(), ", "))
	}
	return chunk.Options{Size: size, Overlap: overlap, Tokenizer: tk}
}

func (s *Server) exportJSONL(w http.ResponseWriter, r *http.Request) error {
	p := params(r)
	f := document.Filter{Status: p.str("status"), UploadedSince: p.time("uploaded_since"),
		ProcessedSince: p.time("processed_since"), Query: p.str("q"), Sort: p.str("sort")}
	yes, no := true, false
	switch p.str("rag_ready") {
	case "", "true":
		f.RAGReady = &yes
	case "false":
		f.RAGReady = &no
	case "all":
	default:
		p.fields.Add("rag_ready", "must be true (the default), false or all")
	}
	switch p.str("order") {
	case "", "desc":
		f.Desc = true
	case "asc":
	default:
		p.fields.Add("order", "must be asc or desc")
	}
	if f.Sort != "" && !slices.Contains(document.SortNames(), f.Sort) {
		p.fields.Add("sort", "must be one of "+strings.Join(document.SortNames(), ", "))
	}
	opt := s.chunkOptions(r, p)
	if err := p.err(); err != nil {
		return err
	}
	src := docSource{svc: s.deps.Documents, sc: callerScope(r)}
	name := "curatore_chunks_" + time.Now().UTC().Format("20060102_150405") + ".jsonl"
	out := &responseStream{w: w, headers: map[string]string{"Content-Type": "application/x-ndjson; charset=utf-8",
		"Content-Disposition": export.ContentDisposition(name)}}
	st, err := export.WriteJSONL(r.Context(), out, src.refs(f), src, opt)
	if err == nil && !out.started {
		_, _ = out.Write(nil) // no chunks: an empty body, still a 200 with the headers
	}
	details := map[string]any{"documents": st.Documents, "chunks": st.Chunks, "bytes": st.Bytes, "tokenizer": opt.Tokenizer.Name(),
		"chunk_size": opt.Size, "chunk_overlap": opt.Overlap, "rag_ready": cmp.Or(p.str("rag_ready"), "true")}
	return s.finishExport(r, out, audit.Entry{Action: "documents.export_jsonl", EntityType: "document", Details: details}, err)
}

func (s *Server) previewChunks(w http.ResponseWriter, r *http.Request) error {
	p := params(r)
	n := p.integer("version", 0, 0, 1<<31-1)
	opt := s.chunkOptions(r, p)
	if err := p.err(); err != nil {
		return err
	}
	sc := callerScope(r)
	doc, v, md, err := s.deps.Documents.Markdown(r.Context(), sc, r.PathValue("id"), n)
	if err != nil {
		return err
	}
	var res *document.StoredResult
	if latest, err := s.deps.Documents.LatestResults(r.Context(), sc, []document.Document{doc}); err != nil {
		return err
	} else if lr, ok := latest[doc.ID]; ok {
		res = &lr
	}
	rf := ref(doc, res)
	rf.Version = v.Number
	chunks, err := chunk.Split(md, v.Pages, opt)
	if err != nil {
		return err
	}
	records := export.Records(rf, chunks, opt.Tokenizer.Name())
	writeJSON(w, http.StatusOK, ChunkPreview{DocumentID: doc.ID, Version: v.Number, Tokenizer: opt.Tokenizer.Name(),
		ChunkSize: opt.Size, ChunkOverlap: opt.Overlap, ChunkCount: len(records), Chunks: records})
	return nil
}

func (s *Server) chunkSchema(w http.ResponseWriter, _ *http.Request) error {
	w.Header().Set("Content-Type", "application/schema+json")
	_, err := w.Write(export.RecordSchema)
	return err
}
