package pdf

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/extract/format"
)

// TestDeclaredStructure converts a tagged PDF (made by LibreOffice from a
// DOCX with eight headings) and an untagged one: the tagged one declares
// its headings, the untagged one declares nothing.
func TestDeclaredStructure(t *testing.T) {
	out, err := convertFile(t, filepath.Join(corpusDir, "pdf/docling_multi_page.pdf"), format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if out.Declared != nil {
		t.Errorf("untagged PDF declares %+v", out.Declared)
	}
	bin, err := exec.LookPath("soffice")
	if err != nil {
		t.Skip("LibreOffice not installed")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "in.docx")
	data, err := os.ReadFile(filepath.Join("..", "office", "testdata", "docling_unit_test_headers.docx"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(src, data, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "-env:UserInstallation=file://"+dir+"/profile", "--convert-to",
		`pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"}}`, "--outdir", dir, src)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("making a tagged PDF: %v %s", err, b)
	}
	out, err = convertFile(t, filepath.Join(dir, "in.pdf"), format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if out.Declared == nil || out.Declared.Headings < 7 || out.Declared.Tables != 0 {
		t.Errorf("tagged PDF declares %+v, want its headings", out.Declared)
	}
}
