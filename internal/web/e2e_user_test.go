package web_test

import (
	"archive/zip"
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/curatore/curatore/internal/app"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/pipeline"
	"github.com/curatore/curatore/internal/testenv"
)

// TestBrowserUserFlow drives Chromium through the documents: upload three
// files (one request per file, each with its progress bar), process them as
// a batch with the real pipeline and a fake LLM on loopback, watch the live
// progress reach 100 %, open a result (scores, feedback, evidence), edit it
// and re-score the edit, and compare the versions.
func TestBrowserUserFlow(t *testing.T) {
	fake := newFakeReviewer(t)
	env := testenv.New(t, "sqlite", nil, app.WithRunner(pipeline.New(pipeline.Config{Retries: -1})), app.WithLLM(fake))
	o := env.CreateOrg(t, "Acme Research")
	u := env.CreateUser(t, o.ID, auth.RoleMember, "Mia Member")
	dir := t.TempDir()
	files := map[string]string{
		"handbook.md": "# Handbook\n\n## Travel\n\nBook trains two weeks ahead. Expenses are paid within 30 days.\n\n" +
			"## Equipment\n\n| item | budget |\n|---|---|\n| laptop | 1500 |\n| screen | 300 |\n",
		"minutes.txt": "Minutes of the board meeting, 3 March 2026.\n\nPresent: Ada, Bob, Cy.\n\nDecision: the budget for 2026 is approved.\n",
		"faq.html": "<html><head><title>FAQ</title></head><body><h1>FAQ</h1><h2>How do I reset my password?</h2>" +
			"<p>Use the link on the sign-in page.</p><h2>Who approves expenses?</h2><p>Your manager.</p></body></html>",
	}
	var paths []string
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	c := newChrome(t, env.URL)
	c.open("/login")
	c.do("sign in", chromedp.SendKeys(chromedp.CSS("#login"), u.Email), chromedp.SendKeys(chromedp.CSS("#password"), u.Password),
		chromedp.Click(chromedp.CSS(`form[action="/login"] button`)), chromedp.WaitVisible(chromedp.CSS("nav.nav")))
	c.open("/documents")
	c.shot("documents-empty")

	c.do("upload three files", chromedp.SetUploadFiles(chromedp.CSS("#files"), paths),
		chromedp.Click(chromedp.CSS(`form[data-upload] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS("#upload-list ~ a.button")))
	if got := strings.Count(c.text("#upload-list"), "uploaded"); got != 3 {
		t.Fatalf("upload list shows %d uploaded files: %q", got, c.text("#upload-list"))
	}
	c.shot("documents-uploaded")
	c.do("show the list", chromedp.Click(chromedp.CSS("#upload-list ~ a.button")), chromedp.WaitVisible(chromedp.CSS("table.documents")))
	for name := range files {
		c.expectText("table.documents", name)
	}
	c.shot("documents")

	c.do("process all without optimizing", chromedp.Click(chromedp.CSS("#select-all")), chromedp.Click(chromedp.CSS("#o-auto")),
		chromedp.Click(chromedp.CSS(`fieldset.options button[type=submit]:not([formaction])`)),
		chromedp.WaitVisible(chromedp.CSS("[data-events]")))
	c.expectText(".flash", "Processing 3 document(s).")
	c.do("progress reaches 100 %", chromedp.WaitVisible(chromedp.CSS(`[data-events][data-finished="true"]`)))
	c.expectText(".batch-summary", "3 of 3 finished")
	for _, pct := range c.texts("[data-job] .job-percent") {
		if pct != "100 %" {
			t.Errorf("a job ended at %q", pct)
		}
	}
	for _, st := range c.texts("[data-job] .job-status") {
		if st != "completed" {
			t.Errorf("a job ended %q", st)
		}
	}
	c.shot("batch-finished")

	c.do("open a result", chromedp.Click(chromedp.CSS(`[data-job] a[href^="/documents/"]`)), chromedp.WaitVisible(chromedp.CSS("article.markdown")))
	c.expectText("#q-h", "Quality")
	c.expectText("section[aria-labelledby=q-h]", "fake-reviewer")
	c.expectText("section[aria-labelledby=q-h]", "Clear and direct.")
	if n := len(c.texts("table.scores svg")); n != 5 {
		t.Errorf("%d score bars, want 5 (conversion and four LLM scores)", n)
	}
	if len(fake.srv.Requests()) == 0 {
		t.Error("the fake LLM was never called")
	}
	c.shot("document")
	c.do("edit", chromedp.Click(chromedp.CSS(`a[href$="/edit"]`)), chromedp.WaitVisible(chromedp.CSS("#e-content")))
	c.shot("edit")
	c.do("save the edit", chromedp.SetValue(chromedp.CSS("#e-content"), "# Edited\n\nA clearer text about travel and expenses.\n"),
		chromedp.SendKeys(chromedp.CSS("#e-note"), "rewrote the introduction"),
		chromedp.Click(chromedp.CSS(`form[action$="/edit"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	c.expectText(".flash", "is being scored")
	c.waitText(`[data-job] .job-status`, "completed", 30*time.Second)
	c.reload() // the re-scored version and its result
	c.expectText("nav.versions", "edited")
	c.expectText("article.markdown", "A clearer text")
	c.shot("document-edited")
	c.do("compare", chromedp.Click(chromedp.CSS(`a[href$="/diff"]`)), chromedp.WaitVisible(chromedp.CSS("table.diff")))
	c.expectText("table.diff", "A clearer text")
	c.shot("diff")

	// Export: a ZIP of every document and the chunks as JSON Lines.
	dl := c.downloads()
	c.open("/exports")
	c.shot("exports")
	c.do("download a ZIP", chromedp.Click(chromedp.CSS(`form[action="/exports"] button[type=submit]`)))
	zipped := c.waitDownload(dl, ".zip")
	zr, err := zip.NewReader(bytes.NewReader(zipped), int64(len(zipped)))
	if err != nil {
		t.Fatalf("the downloaded ZIP: %v", err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if all := strings.Join(names, " "); !strings.Contains(all, "manifest.json") || strings.Count(all, ".md") < 3 {
		t.Errorf("ZIP entries: %v", names)
	}
	c.open("/exports")
	c.do("download JSON Lines", chromedp.Click(chromedp.CSS("#f-jsonl")), chromedp.SetValue(chromedp.CSS("#f-size"), "64"), chromedp.SetValue(chromedp.CSS("#f-overlap"), "8"),
		chromedp.Click(chromedp.CSS(`form[action="/exports"] button[type=submit]`)))
	lines := strings.Split(strings.TrimSpace(string(c.waitDownload(dl, ".jsonl"))), "\n")
	if len(lines) < 1 || !strings.Contains(lines[0], `"chunk_id"`) && !strings.Contains(lines[0], `"text"`) {
		t.Errorf("JSONL: %d lines, first %.200q", len(lines), lines[0])
	}
	c.noPageErrors()
}
