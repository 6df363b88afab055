package office

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/extract/format"
)

// soffice returns the LibreOffice binary. Tests that make their documents
// with it skip when it is missing, except under CI=true where they fail.
func soffice(t *testing.T) string {
	t.Helper()
	bin, err := findSoffice("")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("LibreOffice (soffice) is not installed; .ci/run installs it")
		}
		t.Skip("LibreOffice not installed")
	}
	return bin
}

// sofficeConvert converts testdata/lo/src to the target format with
// LibreOffice and returns the bytes of the result.
func sofficeConvert(t *testing.T, src, target string) []byte {
	t.Helper()
	bin := soffice(t)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--norestore",
		"-env:UserInstallation=file://"+filepath.ToSlash(filepath.Join(dir, "profile")),
		"--convert-to", target, "--outdir", dir, filepath.Join("testdata", "lo", src))
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice --convert-to %s %s: %v %s", target, src, err, out)
	}
	data, err := os.ReadFile(filepath.Join(dir, strings.TrimSuffix(src, filepath.Ext(src))+"."+target))
	if err != nil {
		t.Fatalf("soffice made no %s: %v", target, err)
	}
	return data
}

// TestLibreOfficeDocuments converts documents written by LibreOffice, in
// OOXML and in the legacy binary formats (which go back through
// LibreOffice), and compares them with reference Markdown
// (testdata/lo/*.expected.md). The handbook has outline-numbered
// headings, a header and footer, a footnote, a text frame (a DrawingML
// shape in DOCX) and a table with spanned cells; the budget a merged
// range; the review a slide with a title and two boxes.
func TestLibreOfficeDocuments(t *testing.T) {
	for _, tc := range []struct{ src, target, ref string }{
		{"handbook.fodt", "docx", "handbook"},
		{"handbook.fodt", "doc", "handbook"},
		{"budget.fods", "xlsx", "budget"},
		{"budget.fods", "xls", "budget"},
		{"review.fodp", "pptx", "review"},
		{"review.fodp", "ppt", "review"},
	} {
		t.Run(tc.src+"→"+tc.target, func(t *testing.T) {
			t.Parallel() // each soffice run has its own profile; starting one takes seconds
			data := sofficeConvert(t, tc.src, tc.target)
			out, err := Convert(context.Background(), data, "."+tc.target, format.Options{})
			if err != nil {
				t.Fatal(err)
			}
			want := string(readSample(t, filepath.Join("lo", tc.ref+".expected.md")))
			if strings.TrimSpace(out.Markdown) != strings.TrimSpace(want) {
				t.Errorf("Markdown differs from %s.expected.md:\n--- got ---\n%s\n--- want ---\n%s", tc.ref, out.Markdown, want)
			}
		})
	}
}
