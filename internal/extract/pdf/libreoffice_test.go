package pdf

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/extract/format"
)

// loPDFs holds the PDFs LibreOffice made from every source under
// testdata/lo and testdata/lo-order, converted in one soffice run (each
// start of soffice costs seconds).
var loPDFs struct {
	once sync.Once
	dir  string
	err  error
}

// TestMain removes the PDFs LibreOffice made.
func TestMain(m *testing.M) {
	code := m.Run()
	if loPDFs.dir != "" {
		os.RemoveAll(loPDFs.dir)
	}
	os.Exit(code)
}

// loPDF returns the PDF LibreOffice made from testdata/src. It skips when
// soffice is missing, except under CI=true where it fails.
func loPDF(t *testing.T, src string) []byte {
	t.Helper()
	bin, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("LibreOffice (soffice) is not installed; .ci/run installs it")
		}
		t.Skip("LibreOffice not installed")
	}
	loPDFs.once.Do(func() { loPDFs.dir, loPDFs.err = convertAll(bin) })
	if loPDFs.err != nil {
		t.Fatal(loPDFs.err)
	}
	base := filepath.Base(src)
	data, err := os.ReadFile(filepath.Join(loPDFs.dir, strings.TrimSuffix(base, filepath.Ext(base))+".pdf"))
	if err != nil {
		t.Fatalf("soffice made no PDF of %s: %v", src, err)
	}
	return data
}

// convertAll exports every test source to PDF in one soffice run.
func convertAll(bin string) (string, error) {
	srcs, _ := filepath.Glob(filepath.Join("testdata", "lo*", "*.fod?"))
	dir, err := os.MkdirTemp("", "curatore-lo-pdf-")
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := append([]string{"--headless", "--norestore",
		"-env:UserInstallation=file://" + filepath.ToSlash(filepath.Join(dir, "profile")),
		"--convert-to", "pdf", "--outdir", dir}, srcs...)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		return dir, fmt.Errorf("soffice --convert-to pdf: %v %s", err, out)
	}
	return dir, nil
}

// TestLibreOfficePDFs converts PDFs exported by LibreOffice from small
// sources in testdata/lo and compares them with the reference Markdown
// next to each source (checked by eye).
func TestLibreOfficePDFs(t *testing.T) {
	srcs, err := filepath.Glob(filepath.Join("testdata", "lo", "*.fod?"))
	if err != nil || len(srcs) == 0 {
		t.Fatalf("no sources: %v", err)
	}
	for _, src := range srcs {
		name := filepath.Base(src)
		t.Run(name, func(t *testing.T) {
			out, err := Convert(context.Background(), loPDF(t, filepath.Join("lo", name)), format.Options{})
			if err != nil {
				t.Fatal(err)
			}
			ref := strings.TrimSuffix(src, filepath.Ext(src)) + ".expected.md"
			want, err := os.ReadFile(ref)
			if err != nil {
				t.Fatal(err)
			}
			if strings.TrimSpace(out.Markdown) != strings.TrimSpace(string(want)) {
				t.Errorf("differs from %s:\n--- got ---\n%s\n--- want ---\n%s", ref, out.Markdown, want)
			}
		})
	}
}

// TestLogicalOrder: visual-order text (as drawn) comes back in logical
// order; digits and Latin words keep their direction.
func TestLogicalOrder(t *testing.T) {
	for _, tc := range []struct {
		visual string
		rtl    bool
		want   string
	}{
		{"2023 ماع يف", true, "في عام 2023"},
		{"Linux Server ماظن", true, "نظام Linux Server"},
		{"word ابحرم inside", false, "word مرحبا inside"},
		{"(םולש)", true, "(שלום)"},
	} {
		if got := logical(tc.visual, tc.rtl); got != tc.want {
			t.Errorf("logical(%q) = %q, want %q", tc.visual, got, tc.want)
		}
	}
}

// TestRTLColumns: a two-column Arabic page reads the right column first,
// and each column's paragraph stays whole.
func TestRTLColumns(t *testing.T) {
	out, err := Convert(context.Background(), loPDF(t, filepath.Join("lo-order", "rtl-columns.fodt")), format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	first := strings.Index(out.Markdown, "هذا هو العمود الأول")
	second := strings.Index(out.Markdown, "وهذا هو العمود الثاني")
	if first < 0 || second < 0 || first > second {
		t.Errorf("right column (at %d) should come before the left one (at %d):\n%s", first, second, out.Markdown)
	}
	if n := len(strings.Split(strings.TrimSpace(out.Markdown), "\n\n")); n != 2 {
		t.Errorf("%d paragraphs, want the source's 2:\n%s", n, out.Markdown)
	}
}
