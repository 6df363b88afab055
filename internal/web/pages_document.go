package web

import (
	"bytes"
	"errors"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/chunk"
	"github.com/curatore/curatore/internal/document"
	"github.com/curatore/curatore/internal/job"
	"github.com/curatore/curatore/internal/pipeline"
)

// DocumentData is the document page.
type DocumentData struct {
	Doc      document.Document
	Versions []document.Version
	Version  document.Version // the one shown
	HTML     template.HTML    // the shown version rendered (raw HTML in the Markdown is dropped)
	Result   *pipeline.Result
	Scores   []ScoreBar
	Pages    []PageBar
	Job      *JobRow
	Logs     []job.Log
	Chunks   []chunk.Chunk
	ChunkOpt string // how the preview was cut
	Preview  string // pdf, image, text or "" (no preview in a browser)
}

// ScoreBar is one score against its threshold, for the chart.
type ScoreBar struct {
	Name      string
	Score     *float64
	Threshold float64
	Max       float64
	Passed    bool
	Reason    string
	ScorePct  float64 // of the bar's width
	ThreshPct float64
}

// PageBar is one page's conversion score.
type PageBar struct {
	Page   int
	Score  float64
	Weak   bool
	Reason string
}

var markdown = goldmark.New(goldmark.WithExtensions(extension.GFM))

func (u *UI) documentDetailRoutes() {
	u.page("GET /documents/{id}", signedIn, u.documentPage)
	u.page("GET /documents/{id}/source", signedIn, u.documentSource)
	u.page("GET /documents/{id}/events", signedIn, u.documentEvents)
	u.page("POST /documents/{id}/process", writer, u.processOne)
	u.page("GET /documents/{id}/edit", writer, u.editPage)
	u.page("POST /documents/{id}/edit", writer, u.saveEdit)
	u.page("GET /documents/{id}/diff", signedIn, u.diffPage)
}

func (u *UI) documentPage(w http.ResponseWriter, r *http.Request, v *View) error {
	id := r.PathValue("id")
	doc, err := u.deps.Documents.Get(r.Context(), v.Scope, id)
	if err != nil {
		return err
	}
	d := &DocumentData{Doc: doc, Preview: previewKind(doc.Kind)}
	if d.Versions, err = u.deps.Documents.Versions(r.Context(), v.Scope, id); err != nil {
		return err
	}
	n, _ := strconv.Atoi(r.URL.Query().Get("v"))
	if len(d.Versions) > 0 {
		if err := u.loadVersion(r, v, d, n); err != nil {
			return err
		}
	}
	if res, err := u.deps.Documents.Result(r.Context(), v.Scope, id); err == nil {
		d.Result = &res.Result
		d.Scores, d.Pages = scoreBars(&res.Result), pageBars(&res.Result)
	} else if !errors.Is(err, apperr.NotFound) {
		return err
	}
	if j, err := u.deps.Jobs.ByDocument(r.Context(), v.Scope, id); err == nil {
		d.Job = &JobRow{Job: j, Filename: doc.Filename, ETA: etaText(j)}
		if d.Logs, err = u.deps.Jobs.Logs(r.Context(), v.Scope, j.ID, 0); err != nil {
			return err
		}
	}
	v.Title, v.Section, v.Data = doc.Filename, "documents", d
	u.render(w, r, "document", v)
	return nil
}

// loadVersion reads version n (0: current), renders it and cuts the chunk
// preview with the effective chunking settings.
func (u *UI) loadVersion(r *http.Request, v *View, d *DocumentData, n int) error {
	_, ver, md, err := u.deps.Documents.Markdown(r.Context(), v.Scope, d.Doc.ID, n)
	if err != nil {
		return err
	}
	d.Version = ver
	var buf bytes.Buffer
	if err := markdown.Convert([]byte(md), &buf); err != nil {
		return err
	}
	d.HTML = template.HTML(buf.String()) // goldmark without WithUnsafe omits raw HTML and dangerous links
	opt := chunk.Options{Size: chunk.DefaultSize, Overlap: chunk.DefaultOverlap}
	tokName := chunk.DefaultTokenizer
	if vals, ok := u.values(r, v); ok {
		opt.Size, opt.Overlap, tokName = vals.ChunkSize(), vals.ChunkOverlap(), vals.ChunkTokenizer()
	}
	if tok, err := chunk.NewTokenizer(tokName); err == nil {
		opt.Tokenizer = tok
	}
	if chunks, err := chunk.Split(md, ver.Pages, opt); err == nil {
		d.Chunks = chunks
		if len(chunks) > 20 {
			d.Chunks = chunks[:20]
		}
		d.ChunkOpt = strconv.Itoa(len(chunks)) + " chunks of at most " + strconv.Itoa(opt.Size) + " " + tokName +
			" tokens, overlap " + strconv.Itoa(opt.Overlap)
	}
	return nil
}

// scoreBars lays the threshold checks out for the chart: the conversion
// score on 0–100, the four LLM scores on 0–10.
func scoreBars(res *pipeline.Result) []ScoreBar {
	var out []ScoreBar
	for _, c := range res.Checks {
		b := ScoreBar{Name: c.Name, Score: c.Score, Threshold: c.Threshold, Max: 10, Passed: c.Passed, Reason: c.Reason}
		if c.Name == "conversion" {
			b.Max = 100
		}
		if c.Score != nil {
			b.ScorePct = min(100, *c.Score/b.Max*100)
		}
		b.ThreshPct = min(100, c.Threshold/b.Max*100)
		out = append(out, b)
	}
	return out
}

// pageBars lists each page's conversion score; weak pages are under the
// conversion threshold.
func pageBars(res *pipeline.Result) []PageBar {
	var out []PageBar
	for _, p := range res.ConversionResult.Pages {
		out = append(out, PageBar{Page: p.Page, Score: p.Score, Weak: p.Score < res.ThresholdsUsed.Conversion, Reason: p.Reason})
	}
	return out
}

// previewKind says how a browser can show the original file.
func previewKind(kind string) string {
	switch kind {
	case "pdf":
		return "pdf"
	case "image", "png", "jpeg", "gif", "webp":
		return "image"
	case "txt", "md", "csv", "html", "text", "markdown":
		return "text"
	}
	return ""
}

// documentSource serves the original file for the preview frame or a
// download. Text and HTML go out as text/plain, so an uploaded page never
// runs in our origin; the policy forbids scripts either way.
func (u *UI) documentSource(w http.ResponseWriter, r *http.Request, v *View) error {
	doc, rc, err := u.deps.Documents.OpenSource(r.Context(), v.Scope, r.PathValue("id"))
	if err != nil {
		return err
	}
	defer rc.Close()
	h := w.Header()
	ctype := doc.ContentType
	if previewKind(doc.Kind) == "text" || ctype == "" || strings.Contains(ctype, "html") {
		ctype = "text/plain; charset=utf-8"
	}
	h.Set("Content-Type", ctype)
	h.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; object-src 'self'; frame-ancestors 'self'")
	h.Set("X-Frame-Options", "SAMEORIGIN")
	disposition := "inline"
	if r.URL.Query().Get("download") != "" || previewKind(doc.Kind) == "" {
		disposition = "attachment"
	}
	h.Set("Content-Disposition", disposition+`; filename="`+strings.ReplaceAll(doc.Filename, `"`, "")+`"`)
	_, err = io.Copy(w, rc)
	return err
}

// documentEvents streams the document's job progress (see batchEvents).
func (u *UI) documentEvents(w http.ResponseWriter, r *http.Request, v *View) error {
	id := r.PathValue("id")
	return u.streamJobs(w, r, func() ([]JobRow, error) {
		j, err := u.deps.Jobs.ByDocument(r.Context(), v.Scope, id)
		if err != nil {
			return nil, err
		}
		return []JobRow{{Job: j, ETA: etaText(j)}}, nil
	})
}

func (u *UI) processOne(w http.ResponseWriter, r *http.Request, v *View) error {
	id := r.PathValue("id")
	o, err := optionsFromForm(r)
	if err == nil {
		_, err = u.deps.Jobs.Process(r.Context(), v.Scope, id, o)
	}
	if err != nil {
		if v.SetError(err) == http.StatusInternalServerError {
			return err
		}
		return u.redirect(w, r, "/documents/"+id, v.Error)
	}
	return u.redirect(w, r, "/documents/"+id, "Processing started.")
}
