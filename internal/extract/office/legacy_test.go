package office

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/extract/format"
)

// TestLegacyMissingLibreOffice: without soffice a legacy file is a
// needs_libreoffice error, not a crash or an empty result.
func TestLegacyMissingLibreOffice(t *testing.T) {
	for _, ext := range []string{".doc", ".xls", ".ppt"} {
		_, err := Convert(context.Background(), append([]byte{}, cfbMagic...), ext, format.Options{SofficePath: "/nonexistent/soffice"})
		if got := format.CodeOf(err); got != format.CodeNeedsLibreOffice {
			t.Errorf("%s: code = %q (%v)", ext, got, err)
		}
	}
}

// TestLegacyWithLibreOffice round-trips a sample through .doc when
// LibreOffice is installed.
func TestLegacyWithLibreOffice(t *testing.T) {
	bin, err := findSoffice("")
	if err != nil {
		t.Skip("LibreOffice not installed")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "in.docx")
	if err := os.WriteFile(src, readSample(t, "docling_unit_test_headers.docx"), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "-env:UserInstallation=file://"+dir+"/profile",
		"--convert-to", "doc", "--outdir", dir, src)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("making a .doc: %v %s", err, out)
	}
	doc, err := os.ReadFile(filepath.Join(dir, "in.doc"))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Convert(ctx, doc, ".doc", format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustContain(t, out.Markdown, "Section 1.1")
}
