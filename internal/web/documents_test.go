package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/testenv"
)

// uploadForm posts files as the page's form does without JavaScript (the
// CSRF token as a form field, every file in one request).
func (b *browser) uploadForm(files map[string]string) result {
	b.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf_token", b.csrf)
	for name, content := range files {
		fw, _ := mw.CreateFormFile("file", name)
		_, _ = fw.Write([]byte(content))
	}
	_ = mw.Close()
	req, _ := http.NewRequest("POST", b.env.URL+"/documents/upload", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// TestDocumentPages: upload without JavaScript, process, read the result
// page, the original (served so that it cannot run in our origin), edit
// errors in words, and another organization's document is a 404.
func TestDocumentPages(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Acme")
		u := env.CreateUser(t, o.ID, auth.RoleMember, "Mia")
		b := newBrowser(t, env)
		b.signIn(u.Email, u.Password)
		b.get("/documents")
		p := b.uploadForm(map[string]string{"a.md": "# A\n\nAlpha text.\n", "page.html": "<h1>Hi</h1><script>alert(1)</script>",
			"bad.exe": "MZ\x90\x00binary"})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("upload: %d\n%s", p.Status, p.Body)
		}
		list := b.get("/documents")
		mustContain(t, list, "Uploaded 2 file(s).", "Not uploaded: bad.exe", "a.md", "page.html")
		ids := regexp.MustCompile(`name="id" value="([^"]+)"`).FindAllStringSubmatch(list.Body, -1)
		if len(ids) != 2 {
			t.Fatalf("%d documents listed", len(ids))
		}
		form := url.Values{"threshold_conversion": {"500"}, "id": {ids[0][1], ids[1][1]}}
		if p := b.post("/documents/process", form); p.Status != http.StatusSeeOther || p.Location != "/documents" {
			t.Errorf("out-of-range threshold: %d %q", p.Status, p.Location)
		}
		mustContain(t, b.get("/documents"), "quality_thresholds.conversion")
		form.Set("threshold_conversion", "60")
		p = b.post("/documents/process", form)
		if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/batches/") {
			t.Fatalf("process: %d %q", p.Status, p.Location)
		}
		batch := p.Location
		waitFor(t, func() bool {
			return strings.Contains(b.get(batch).Body, `data-status="completed"`) &&
				!strings.Contains(b.get(batch).Body, `data-status="queued"`) && !strings.Contains(b.get(batch).Body, `data-status="running"`)
		})
		events := b.get(batch + "/events")
		if events.Header.Get("Content-Type") != "text/event-stream" || !strings.Contains(events.Body, "event: done") {
			t.Errorf("finished batch's event stream: %q", events.Body)
		}

		doc := "/documents/" + ids[0][1]
		page := b.get(doc)
		mustContain(t, page, "Latest job", "completed", `class="card markdown"`)
		src := b.get(doc + "/source")
		if !strings.Contains(src.Header.Get("Content-Security-Policy"), "default-src 'none'") || src.Header.Get("X-Frame-Options") != "SAMEORIGIN" {
			t.Errorf("source headers: %v", src.Header)
		}
		htmlDoc := "/documents/" + ids[1][1]
		if ct := b.get(htmlDoc + "/source").Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
			t.Errorf("an uploaded HTML page is served as %q", ct)
		}
		b.get(doc + "/edit")
		if p := b.post(doc+"/edit", url.Values{"content": {"   "}}); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Must not be empty.") {
			t.Errorf("empty edit: %d", p.Status)
		}

		other := env.CreateOrg(t, "Other")
		ou := env.CreateUser(t, other.ID, auth.RoleAdmin, "Oz")
		ob := newBrowser(t, env)
		ob.signIn(ou.Email, ou.Password)
		for _, path := range []string{doc, doc + "/source", doc + "/edit", doc + "/diff", batch, batch + "/events"} {
			if p := ob.get(path); p.Status != http.StatusNotFound {
				t.Errorf("another organization's %s: %d, want 404", path, p.Status)
			}
		}
		mustContain(t, ob.get("/usage"), "LLM usage", "No LLM calls")
		ob.get("/exports")
		if p := ob.post("/exports", url.Values{"id": {ids[0][1]}, "format": {"zip_individual"}}); p.Status != http.StatusNotFound {
			t.Errorf("exporting another organization's document: %d", p.Status)
		}

		// Exports: bad chunk options are explained; a ZIP streams.
		b.get("/exports")
		p = b.post("/exports", url.Values{"format": {"jsonl"}, "chunk_size": {"64"}, "chunk_overlap": {"64"}, "tokenizer": {"cl100k_base"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="f-overlap-error"`) {
			t.Errorf("overlap too large: %d", p.Status)
		}
		p = b.post("/exports", url.Values{"format": {"zip_individual"}, "id": {ids[0][1]}})
		if p.Status != http.StatusOK || p.Header.Get("Content-Type") != "application/zip" || !strings.HasPrefix(p.Body, "PK") {
			t.Errorf("ZIP export: %d %s", p.Status, p.Header.Get("Content-Type"))
		}
	})
}

// waitFor polls cond for up to 30 s.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
