package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/document"
)

// DocumentResponse is a document as the API shows it.
type DocumentResponse struct {
	DocumentID      string         `json:"document_id"`
	Filename        string         `json:"filename"`
	FileSize        int64          `json:"file_size"`
	UploadTime      time.Time      `json:"upload_time"`
	ContentType     string         `json:"content_type"`
	Kind            string         `json:"kind"`
	SHA256          string         `json:"sha256"`
	Status          string         `json:"status"`
	RAGReady        bool           `json:"rag_ready"`
	RAGOverride     *RAGOverride   `json:"rag_override"`
	ConversionScore *float64       `json:"conversion_score"`
	LLMStatus       string         `json:"llm_status,omitempty"`
	CurrentVersion  int            `json:"current_version"`
	ProcessedAt     *time.Time     `json:"processed_at"`
	DuplicateOf     string         `json:"duplicate_of,omitempty"`
	LatestResult    *ResultSummary `json:"latest_result,omitempty"`
	// Source is the SharePoint URL of an imported document; RemoteDeletedAt
	// is when a sync saw its remote file deleted.
	Source          string     `json:"source,omitempty"`
	RemoteDeletedAt *time.Time `json:"remote_deleted_at,omitempty"`
}

// RAGOverride is an org admin's RAG-ready decision.
type RAGOverride struct {
	RAGReady bool   `json:"rag_ready"`
	Reason   string `json:"reason"`
	By       string `json:"by"`
}

// ResultSummary is the gist of a document's latest processing result.
type ResultSummary struct {
	ResultID          string    `json:"result_id"`
	ConversionScore   float64   `json:"conversion_score"`
	PassAllThresholds bool      `json:"pass_all_thresholds"`
	LLMStatus         string    `json:"llm_status,omitempty"`
	ReasonCodes       []string  `json:"reason_codes"`
	ProcessedAt       time.Time `json:"processed_at"`
}

// DocumentList is a page of documents.
type DocumentList struct {
	Documents []DocumentResponse `json:"documents"`
	Total     *int               `json:"total"`
	Next      string             `json:"next,omitempty" doc:"cursor for the next page (pass as after=)"`
}

// BulkDeleteRequest names documents to delete.
type BulkDeleteRequest struct {
	DocumentIDs []string `json:"document_ids"`
}

// BulkDeleteResponse says what a bulk delete removed.
type BulkDeleteResponse struct {
	Deleted  []string `json:"deleted"`
	NotFound []string `json:"not_found"`
}

// RAGOverrideRequest sets an admin's RAG-ready decision.
type RAGOverrideRequest struct {
	RAGReady *bool  `json:"rag_ready"`
	Reason   string `json:"reason"`
}

func (s *Server) documentRoutes() []Route {
	if s.deps.Documents == nil {
		return nil
	}
	const p = "/api/v1/documents"
	return []Route{
		{Method: "POST", Path: p + "/upload", Tag: "documents", Access: Writer, Handle: s.upload, Resp: DocumentResponse{},
			Summary: "Upload one or several files (multipart, field `file`); ?duplicate=true stores identical content again"},
		{Method: "GET", Path: p, Tag: "documents", Access: Authenticated, Resp: DocumentList{}, Handle: s.listDocuments,
			Summary: "List documents: status, rag_ready, uploaded_since, processed_since, q, sort, order, skip|after, limit, skip_total"},
		{Method: "GET", Path: p + "/{id}", Tag: "documents", Access: Authenticated, Resp: DocumentResponse{},
			Summary: "Get a document", Handle: s.getDocument},
		{Method: "DELETE", Path: p + "/{id}", Tag: "documents", Access: Writer, Status: http.StatusNoContent, Handle: s.deleteDocument,
			Summary: "Delete a document, its versions, results and jobs (its active job is cancelled)"},
		{Method: "POST", Path: p + "/delete", Tag: "documents", Access: Writer, Body: BulkDeleteRequest{}, Resp: BulkDeleteResponse{},
			Summary: "Delete several documents", Handle: s.bulkDelete},
		{Method: "GET", Path: p + "/{id}/download", Tag: "documents", Access: Authenticated, Handle: s.download,
			Summary: "Download the Markdown (current version, or ?version=n)"},
		{Method: "GET", Path: p + "/{id}/source", Tag: "documents", Access: Authenticated, Handle: s.source,
			Summary: "Download the original file"},
		{Method: "PUT", Path: p + "/{id}/rag-ready", Tag: "documents", Access: Admin, Body: RAGOverrideRequest{}, Resp: DocumentResponse{},
			Summary: "Override RAG-ready with a reason (org admins; audited)", Handle: s.overrideRAG},
		{Method: "DELETE", Path: p + "/{id}/rag-ready", Tag: "documents", Access: Admin, Resp: DocumentResponse{},
			Summary: "Undo a RAG-ready override (org admins; audited)", Handle: s.undoRAG},
	}
}

func documentResponse(d document.Document) DocumentResponse {
	out := DocumentResponse{DocumentID: d.ID, Filename: d.Filename, FileSize: d.FileSize, UploadTime: d.UploadedAt,
		ContentType: d.ContentType, Kind: d.Kind, SHA256: d.SHA256, Status: d.Status, RAGReady: d.RAGReady,
		ConversionScore: d.ConversionScore, LLMStatus: d.LLMStatus, CurrentVersion: d.CurrentVersion,
		ProcessedAt: d.ProcessedAt, DuplicateOf: d.DuplicateOf, Source: d.SourceURL, RemoteDeletedAt: d.RemoteDeletedAt}
	if d.RAGOverride != nil {
		out.RAGOverride = &RAGOverride{RAGReady: *d.RAGOverride, Reason: d.RAGOverrideReason, By: d.RAGOverrideBy}
	}
	return out
}

// upload streams each `file` part to storage. Several files answer with a
// list; if one fails, the ones stored before it in this request are
// removed again and the failure is the answer.
func (s *Server) upload(w http.ResponseWriter, r *http.Request) error {
	mr, err := r.MultipartReader()
	if err != nil {
		return apperr.Field("file", "a multipart/form-data body with a `file` part is required")
	}
	sc := callerScope(r)
	allowDup := r.URL.Query().Get("duplicate") == "true"
	var done []document.Document
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err == nil && part.FormName() != "file" {
			part.Close()
			continue
		}
		if err == nil {
			var d document.Document
			d, err = s.deps.Documents.Upload(r.Context(), sc, document.Upload{Filename: part.FileName(),
				ContentType: part.Header.Get("Content-Type"), Body: part, AllowDuplicate: allowDup})
			part.Close()
			done = append(done, d)
		}
		if err != nil {
			s.undoUploads(r, done)
			return err
		}
	}
	if len(done) == 0 {
		return apperr.Field("file", "a `file` part is required")
	}
	if len(done) == 1 {
		writeJSON(w, http.StatusOK, documentResponse(done[0]))
		return nil
	}
	out := make([]DocumentResponse, len(done))
	for i, d := range done {
		out[i] = documentResponse(d)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) undoUploads(r *http.Request, docs []document.Document) {
	for _, d := range docs {
		if d.ID != "" && d.DuplicateOf == "" {
			_ = s.deps.Documents.Delete(r.Context(), callerScope(r), d.ID)
		}
	}
}

func (s *Server) listDocuments(w http.ResponseWriter, r *http.Request) error {
	p := params(r)
	skip, limit := p.page()
	f := document.Filter{Status: p.str("status"), RAGReady: p.boolean("rag_ready"), UploadedSince: p.time("uploaded_since"),
		ProcessedSince: p.time("processed_since"), Query: p.str("q"), Sort: p.str("sort"), Skip: skip, Limit: limit,
		After: p.str("after")}
	if skipTotal := p.boolean("skip_total"); skipTotal != nil {
		f.SkipTotal = *skipTotal
	}
	switch p.str("order") {
	case "", "desc":
		f.Desc = true
	case "asc":
	default:
		p.fields.Add("order", "must be asc or desc")
	}
	if err := p.err(); err != nil {
		return err
	}
	page, err := s.deps.Documents.List(r.Context(), callerScope(r), f)
	if err != nil {
		return err
	}
	latest, err := s.deps.Documents.LatestResults(r.Context(), callerScope(r), page.Documents)
	if err != nil {
		return err
	}
	out := DocumentList{Documents: make([]DocumentResponse, 0, len(page.Documents)), Next: page.Next}
	if page.Total >= 0 {
		out.Total = &page.Total
	}
	for _, d := range page.Documents {
		dr := documentResponse(d)
		if res, ok := latest[d.ID]; ok {
			dr.LatestResult = summary(res)
		}
		out.Documents = append(out.Documents, dr)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func summary(r document.StoredResult) *ResultSummary {
	out := &ResultSummary{ResultID: r.ID, ConversionScore: r.Result.ConversionScore, PassAllThresholds: r.Result.PassAllThresholds,
		ReasonCodes: r.Result.ReasonCodes, ProcessedAt: r.ProcessedAt}
	if r.Result.LLMEvaluation != nil {
		out.LLMStatus = r.Result.LLMEvaluation.Status
	}
	if out.ReasonCodes == nil {
		out.ReasonCodes = []string{}
	}
	return out
}

func (s *Server) getDocument(w http.ResponseWriter, r *http.Request) error {
	d, err := s.deps.Documents.Get(r.Context(), callerScope(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := documentResponse(d)
	if latest, err := s.deps.Documents.LatestResults(r.Context(), callerScope(r), []document.Document{d}); err == nil {
		if res, ok := latest[d.ID]; ok {
			out.LatestResult = summary(res)
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) deleteDocument(w http.ResponseWriter, r *http.Request) error {
	if err := s.deps.Documents.Delete(r.Context(), callerScope(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) bulkDelete(w http.ResponseWriter, r *http.Request) error {
	var in BulkDeleteRequest
	if err := DecodeJSON(w, r, &in); err != nil {
		return err
	}
	res, err := s.deps.Documents.DeleteMany(r.Context(), callerScope(r), in.DocumentIDs)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, BulkDeleteResponse{Deleted: res.Deleted, NotFound: res.NotFound})
	return nil
}

// versionParam reads a version number; a malformed one names no version (404).
func versionParam(v string) (int, error) {
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, apperr.NotFoundf("version")
	}
	return n, nil
}

func (s *Server) download(w http.ResponseWriter, r *http.Request) error {
	n, err := versionParam(r.URL.Query().Get("version"))
	if err != nil {
		return err
	}
	d, _, md, err := s.deps.Documents.Markdown(r.Context(), callerScope(r), r.PathValue("id"), n)
	if err != nil {
		return err
	}
	name := strings.TrimSuffix(d.Filename, path.Ext(d.Filename)) + ".md"
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	_, _ = io.WriteString(w, md)
	return nil
}

func (s *Server) source(w http.ResponseWriter, r *http.Request) error {
	d, rc, err := s.deps.Documents.OpenSource(r.Context(), callerScope(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	defer rc.Close()
	w.Header().Set("Content-Type", d.ContentType)
	w.Header().Set("Content-Length", strconv.FormatInt(d.FileSize, 10))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.Filename}))
	_, _ = io.Copy(w, rc)
	return nil
}

func (s *Server) overrideRAG(w http.ResponseWriter, r *http.Request) error {
	var in RAGOverrideRequest
	if err := DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.RAGReady == nil {
		return apperr.Field("rag_ready", "is required (true or false)")
	}
	d, err := s.deps.Documents.SetRAGOverride(r.Context(), callerScope(r), r.PathValue("id"), in.RAGReady, in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, documentResponse(d))
	return nil
}

func (s *Server) undoRAG(w http.ResponseWriter, r *http.Request) error {
	d, err := s.deps.Documents.SetRAGOverride(r.Context(), callerScope(r), r.PathValue("id"), nil, "")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, documentResponse(d))
	return nil
}
