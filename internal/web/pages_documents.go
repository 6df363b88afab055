package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/document"
	"github.com/curatore/curatore/internal/job"
	"github.com/curatore/curatore/internal/setting"
)

// ThresholdField is one quality threshold in the processing options,
// prefilled from the effective settings.
type ThresholdField struct {
	Name     string // conversion, clarity, …
	Label    string
	Value    string
	Min, Max float64
}

// ProcessOptions are the processing options offered with the list.
type ProcessOptions struct {
	AutoOptimize bool
	Thresholds   []ThresholdField
}

// DocumentsData is the documents page: filters, one keyset page, the
// processing options.
type DocumentsData struct {
	Docs     []document.Document
	Status   string
	RAG      string // "", "true", "false"
	Q        string
	Since    string
	Next     string
	IsFirst  bool
	Options  ProcessOptions
	Statuses []string
}

func (u *UI) documentRoutes() {
	if u.deps.Documents == nil || u.deps.Jobs == nil {
		return
	}
	u.page("GET /documents", signedIn, u.documentsPage)
	u.pageWithLimit("POST /documents/upload", writer, u.uploadLimit, u.upload)
	u.page("POST /documents/process", writer, u.process)
	u.page("POST /documents/delete", writer, u.deleteDocuments)
	u.batchRoutes()
	u.documentDetailRoutes()
	u.exportRoutes()
}

// uploadLimit bounds an upload request. Without the script every chosen
// file comes in one request: room for twenty files of the largest size the
// organization accepts (the max_file_size setting).
func (u *UI) uploadLimit(r *http.Request, sc auth.Scope) int64 {
	size := int64(50 << 20)
	if u.deps.Settings != nil {
		if vals, err := u.deps.Settings.Values(r.Context(), sc); err == nil && vals.MaxFileSize() > 0 {
			size = vals.MaxFileSize()
		}
	}
	return 20*size + maxFormBytes
}

// documentsPerPage is the list's page size when ui.page_size is unknown.
const documentsPerPage = 25

func (u *UI) documentsPage(w http.ResponseWriter, r *http.Request, v *View) error {
	q := r.URL.Query()
	d := &DocumentsData{Status: q.Get("status"), RAG: q.Get("rag_ready"), Q: q.Get("q"), Since: q.Get("since"),
		IsFirst: q.Get("after") == "", Statuses: []string{document.StatusUploaded, document.StatusQueued,
			document.StatusProcessing, document.StatusCompleted, document.StatusFailed, document.StatusCancelled}}
	per := documentsPerPage
	if v.PageSize > 0 {
		per = v.PageSize
	}
	f := document.Filter{Status: d.Status, Query: d.Q, Limit: per, After: q.Get("after"), SkipTotal: true}
	if d.RAG == "true" || d.RAG == "false" {
		b := d.RAG == "true"
		f.RAGReady = &b
	}
	if d.Since != "" {
		if t, err := time.Parse("2006-01-02", d.Since); err == nil {
			f.UploadedSince = &t
		} else {
			v.Fields, v.Status = map[string]string{"since": "Enter a date (YYYY-MM-DD)."}, http.StatusUnprocessableEntity
		}
	}
	page, err := u.deps.Documents.List(r.Context(), v.Scope, f)
	if err != nil {
		if v.SetError(err) == http.StatusInternalServerError {
			return err
		}
	}
	d.Docs = page.Documents
	if page.Next != "" {
		nq := cloneValues(q)
		nq.Set("after", page.Next)
		d.Next = "/documents?" + nq.Encode()
	}
	d.Options = u.processOptions(r, v)
	v.Title, v.Section, v.Data = "Documents", "documents", d
	u.render(w, r, "documents", v)
	return nil
}

// processOptions prefills the processing options from the effective
// settings.
func (u *UI) processOptions(r *http.Request, v *View) ProcessOptions {
	o := ProcessOptions{AutoOptimize: true}
	vals, ok := u.values(r, v)
	if !ok {
		return o
	}
	o.AutoOptimize = vals.AutoOptimize()
	for _, name := range []string{"conversion", "clarity", "completeness", "relevance", "markdown"} {
		def, _ := setting.Lookup("quality_thresholds." + name)
		o.Thresholds = append(o.Thresholds, ThresholdField{Name: name, Label: strings.ToUpper(name[:1]) + name[1:],
			Value: settingText(vals.Get(def.Key).Value), Min: def.Min, Max: def.Max})
	}
	return o
}

// upload stores every file of a multipart request. Browsers with the
// script send one file per request and read a JSON answer; without it the
// form posts all files and gets the list back with a summary.
func (u *UI) upload(w http.ResponseWriter, r *http.Request, v *View) error {
	wantsJSON := strings.Contains(r.Header.Get("Accept"), "application/json")
	var done []string
	var failed []string
	err := eachUpload(r, func(name, ctype string, body io.Reader) error {
		d, err := u.deps.Documents.Upload(r.Context(), v.Scope, document.Upload{Filename: name, ContentType: ctype, Body: body})
		switch {
		case err != nil:
			msg := errorWords(err)
			failed = append(failed, name+": "+msg)
			if wantsJSON {
				writeJSONAnswer(w, statusOf(err), map[string]string{"error": msg})
				return errStop
			}
		case d.DuplicateOf != "":
			done = append(done, name+" (already uploaded)")
		default:
			done = append(done, name)
		}
		return nil
	})
	if errors.Is(err, errStop) {
		return nil
	}
	if err != nil {
		if wantsJSON {
			writeJSONAnswer(w, http.StatusBadRequest, map[string]string{"error": errorWords(err)})
			return nil
		}
		return err
	}
	if wantsJSON {
		writeJSONAnswer(w, http.StatusCreated, map[string]string{"message": "uploaded"})
		return nil
	}
	msg := fmt.Sprintf("Uploaded %d file(s).", len(done))
	if len(failed) > 0 {
		msg += " Not uploaded: " + strings.Join(failed, "; ")
	}
	return u.redirect(w, r, "/documents", msg)
}

var errStop = errors.New("stop")

// eachUpload calls fn for every file part of a multipart request, streaming
// when the form was not parsed yet (the script sends the CSRF token as a
// header), from the parsed form otherwise.
func eachUpload(r *http.Request, fn func(name, ctype string, body io.Reader) error) error {
	if r.MultipartForm != nil {
		for _, fhs := range r.MultipartForm.File {
			for _, fh := range fhs {
				f, err := fh.Open()
				if err != nil {
					return err
				}
				err = fn(fh.Filename, fh.Header.Get("Content-Type"), f)
				f.Close()
				if err != nil {
					return err
				}
			}
		}
		return nil
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return errors.New("the upload is not a multipart form")
	}
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if p.FileName() != "" {
			if err := fn(p.FileName(), p.Header.Get("Content-Type"), p); err != nil {
				return err
			}
		}
		_ = p.Close()
	}
}

// fieldErr is an invalid field in words.
func fieldErr(field, reason string) error { return apperr.Field(field, reason) }

// errorWords is an error as a sentence for a person.
func errorWords(err error) string {
	v := &View{}
	v.SetError(err)
	for _, f := range v.Fields {
		if v.Error == "" {
			v.Error = f
		}
	}
	return v.Error
}

// writeJSONAnswer answers a script's request.
func writeJSONAnswer(w http.ResponseWriter, status int, body map[string]string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// selectedIDs returns the documents a list form acts on: one row's button
// ("only") or the checked boxes.
func selectedIDs(r *http.Request) []string {
	if only := r.PostFormValue("only"); only != "" {
		return []string{only}
	}
	_ = r.ParseForm()
	return r.PostForm["id"]
}

// process enqueues the selected documents as one batch with the options of
// the form, then shows the batch's live progress.
func (u *UI) process(w http.ResponseWriter, r *http.Request, v *View) error {
	ids := selectedIDs(r)
	if len(ids) == 0 {
		return u.redirect(w, r, "/documents", "Select at least one document to process.")
	}
	o, err := optionsFromForm(r)
	if err == nil {
		var res job.BatchResult
		if res, err = u.deps.Jobs.ProcessBatch(r.Context(), v.Scope, ids, o); err == nil {
			msg := fmt.Sprintf("Processing %d document(s).", len(res.Jobs))
			if n := len(res.Conflicts); n > 0 {
				msg += fmt.Sprintf(" %d not started (already being processed or not found).", n)
			}
			return u.redirect(w, r, "/batches/"+res.Batch.ID, msg)
		}
	}
	if v.SetError(err) == http.StatusInternalServerError {
		return err
	}
	msg := v.Error
	for k, f := range v.Fields {
		msg += " " + k + ": " + f
	}
	return u.redirect(w, r, "/documents", strings.TrimSpace(msg))
}

// optionsFromForm reads the processing options of the list's form.
func optionsFromForm(r *http.Request) (job.Options, error) {
	var o job.Options
	auto := r.PostFormValue("auto_optimize") == "on"
	o.AutoOptimize = &auto
	t := &job.Thresholds{}
	fields := map[string]**float64{"conversion": &t.Conversion, "clarity": &t.Clarity, "completeness": &t.Completeness,
		"relevance": &t.Relevance, "markdown": &t.Markdown}
	for name, dst := range fields {
		s := strings.TrimSpace(r.PostFormValue("threshold_" + name))
		if s == "" {
			continue
		}
		f, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return o, apperr.Field("quality_thresholds."+name, "must be a number")
		}
		*dst = &f
	}
	o.QualityThresholds = t
	return o, o.Validate()
}

func (u *UI) deleteDocuments(w http.ResponseWriter, r *http.Request, v *View) error {
	ids := selectedIDs(r)
	if len(ids) == 0 {
		return u.redirect(w, r, "/documents", "Select at least one document to delete.")
	}
	res, err := u.deps.Documents.DeleteMany(r.Context(), v.Scope, ids)
	if err != nil {
		return err
	}
	return u.redirect(w, r, "/documents", fmt.Sprintf("Deleted %d document(s).", len(res.Deleted)))
}
