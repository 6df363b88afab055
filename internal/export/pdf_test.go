package export

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/curatore/curatore/internal/chunk"
	"github.com/curatore/curatore/internal/extract"
	"github.com/curatore/curatore/internal/extract/format"
)

// corpusFile finds a file of the shared extraction sample beside the module
// root (as CI lays it out) or under /work/shared.
func corpusFile(t *testing.T, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for _, err := os.Stat(filepath.Join(dir, "go.mod")); err != nil; _, err = os.Stat(filepath.Join(dir, "go.mod")) {
		if dir == filepath.Dir(dir) {
			t.Fatal("go.mod not found")
		}
		dir = filepath.Dir(dir)
	}
	for _, root := range []string{os.Getenv("CURATORE_EXTRACTION_CORPUS"), filepath.Join(dir, "..", "shared", "testdata", "extraction"), "/work/shared/testdata/extraction"} {
		if p := filepath.Join(root, name); root != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found under CI", name)
	}
	t.Skipf("%s not found; set CURATORE_EXTRACTION_CORPUS", name)
	return ""
}

var word = regexp.MustCompile(`[A-Za-z]{5,}`)

// pageWords reads each page's text with poppler's pdftotext — independent
// of our converter — and returns, per word, the pages it occurs on.
func pageWords(t *testing.T, pdf string, pages int) map[string][]int {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext missing under CI")
		}
		t.Skip("pdftotext (poppler-utils) not installed")
	}
	where := map[string][]int{}
	for p := 1; p <= pages; p++ {
		out, err := exec.Command("pdftotext", "-f", strconv.Itoa(p), "-l", strconv.Itoa(p), pdf, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range word.FindAllString(string(out), -1) {
			if w = strings.ToLower(w); !slices.Contains(where[w], p) {
				where[w] = append(where[w], p)
			}
		}
	}
	return where
}

// TestChunkPagesOfAMultiPagePDF converts a five-page PDF with the native
// converter and chunks it: every record validates, and every word of a
// chunk that poppler finds on one page only lies on a page the chunk lists.
func TestChunkPagesOfAMultiPagePDF(t *testing.T) {
	path := corpusFile(t, "pdf/docling_multi_page.pdf")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	res, err := extract.Native{}.Extract(context.Background(), extract.Input{Name: "multi_page.pdf", Data: data}, format.Options{Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pages) != 5 {
		t.Fatalf("page map %+v, want 5 pages", res.Pages)
	}
	where := pageWords(t, path, 5)
	docs := &fakeDocs{md: map[string]string{"pdf": res.Markdown}, pages: map[string][]format.Page{"pdf": res.Pages}}
	tk, _ := chunk.NewTokenizer(chunk.TokenizerCL100K)
	opt := chunk.Options{Size: 128, Overlap: 16, Tokenizer: tk}
	var buf bytes.Buffer
	if _, err := WriteJSONL(context.Background(), &buf, RefList([]Ref{{DocumentID: "pdf", Filename: "multi_page.pdf", Source: "upload", Version: 1, Quality: ready(90)}}), docs, opt); err != nil {
		t.Fatal(err)
	}
	sch := schema(t)
	var recs []Record
	for sc := bufio.NewScanner(&buf); sc.Scan(); {
		inst, _ := jsonschema.UnmarshalJSON(bytes.NewReader(sc.Bytes()))
		if err := sch.Validate(inst); err != nil {
			t.Fatal(err)
		}
		var r Record
		_ = json.Unmarshal(sc.Bytes(), &r)
		recs = append(recs, r)
	}
	checkRecords(t, recs, docs, opt)
	seen, spanning, checked := map[int]bool{}, 0, 0
	for _, r := range recs {
		for i, p := range r.Pages {
			seen[p] = true
			if i > 0 && p != r.Pages[i-1]+1 {
				t.Errorf("chunk %d: pages %v are not consecutive", r.ChunkIndex, r.Pages)
			}
		}
		if len(r.Pages) > 1 {
			spanning++
		}
		for _, w := range word.FindAllString(r.Text, -1) {
			if on := where[strings.ToLower(w)]; len(on) == 1 {
				checked++
				if !slices.Contains(r.Pages, on[0]) {
					t.Errorf("chunk %d (pages %v) holds %q, which is on page %d only", r.ChunkIndex, r.Pages, w, on[0])
				}
			}
		}
	}
	if len(seen) != 5 || spanning == 0 || checked < 100 {
		t.Errorf("pages seen %v, %d chunks across a page break, %d words checked", seen, spanning, checked)
	}
}
