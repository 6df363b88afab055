package export

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/curatore/curatore/internal/chunk"
	"github.com/curatore/curatore/internal/extract/format"
)

// fakeDocs is a Loader over documents held in memory, counting loads.
type fakeDocs struct {
	md    map[string]string
	pages map[string][]format.Page
	loads int
}

func (f *fakeDocs) Load(_ context.Context, ref Ref) (string, []format.Page, error) {
	f.loads++
	md, ok := f.md[ref.DocumentID]
	if !ok {
		return "", nil, errors.New("no such document")
	}
	return md, f.pages[ref.DocumentID], nil
}

func ready(conv float64) Quality {
	c, r := conv, 8.0
	return Quality{RAGReady: true, Scores: Scores{Conversion: &c, Clarity: &r, Completeness: &r, Relevance: &r, Markdown: &r}}
}

func notReady() Quality {
	c := 41.0
	return Quality{Scores: Scores{Conversion: &c}, ReasonCodes: []string{"conversion_below_threshold", "llm_not_configured"}}
}

// testDocs are three documents: two with the same file name, one whose
// name tries to leave the archive, one not RAG-ready.
func testDocs() ([]Ref, *fakeDocs) {
	refs := []Ref{
		{DocumentID: "d1", Filename: "report.pdf", Source: "upload", Version: 2, Quality: ready(91)},
		{DocumentID: "d2", Filename: "Report.PDF", Source: "https://contoso.sharepoint.com/sites/x/Report.PDF", Version: 1, Quality: notReady()},
		{DocumentID: "d3", Filename: "../../etc/passwd\r\n.docx", Source: "upload", Version: 1, Quality: ready(77)},
	}
	docs := &fakeDocs{md: map[string]string{
		"d1": "# Annual report\n\nIntro.\n\n```sh\n# a shell comment, not a heading\necho hi\n```\n\nSetext title\n============\n\n###### Deepest\n",
		"d2": "Subtitle\n--------\n\n> ## Quoted heading\n\n    # indented code\n",
		"d3": "## Section\n\n- # heading in a list\n",
	}}
	return refs, docs
}

// readZip opens an archive and returns its entries' contents by name, in
// order.
func readZip(t *testing.T, data []byte) ([]string, map[string]string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	files := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		order = append(order, f.Name)
		files[f.Name] = string(b)
	}
	return order, files
}

// checkManifest asserts that manifest.json is the last entry and lists
// every other entry exactly once with its right SHA-256 and size.
func checkManifest(t *testing.T, order []string, files map[string]string) Manifest {
	t.Helper()
	if order[len(order)-1] != "manifest.json" {
		t.Fatalf("last entry is %s", order[len(order)-1])
	}
	var m Manifest
	if err := json.Unmarshal([]byte(files["manifest.json"]), &m); err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	all := append([]Entry{}, m.Files...)
	for _, d := range m.Documents {
		all = append(all, d.Entries...)
	}
	for _, e := range all {
		sum := sha256.Sum256([]byte(files[e.Name]))
		if _, ok := files[e.Name]; !ok || hex.EncodeToString(sum[:]) != e.SHA256 || int64(len(files[e.Name])) != e.Size {
			t.Errorf("manifest entry %+v does not match the archive", e)
		}
		listed[e.Name] = true
	}
	for _, name := range order[:len(order)-1] {
		if !listed[name] {
			t.Errorf("entry %s is not in the manifest", name)
		}
	}
	return m
}

func writeZip(t *testing.T, refs []Ref, docs Loader, opt ZipOptions) ([]string, map[string]string, Manifest) {
	t.Helper()
	var buf bytes.Buffer
	if _, err := WriteZip(context.Background(), &buf, RefList(refs), docs, opt); err != nil {
		t.Fatal(err)
	}
	order, files := readZip(t, buf.Bytes())
	return order, files, checkManifest(t, order, files)
}

var at = time.Date(2026, 12, 6, 8, 30, 0, 0, time.UTC)

func TestZipIndividual(t *testing.T) {
	refs, docs := testDocs()
	order, files, m := writeZip(t, refs, docs, ZipOptions{Type: TypeIndividual, IncludeSummary: true, Now: at})
	want := []string{"processed_documents/report.md", "processed_documents/Report (2).md", "processed_documents/passwd__.md",
		"PROCESSING_SUMMARY_20261206_083000.md", "manifest.json"}
	if strings.Join(order, "|") != strings.Join(want, "|") {
		t.Fatalf("entries %q, want %q", order, want)
	}
	if files["processed_documents/report.md"] != docs.md["d1"] {
		t.Error("a document's entry is not its Markdown")
	}
	if m.DocumentCount != 3 || m.RAGReadyCount != 2 || m.Documents[1].Source != refs[1].Source || m.Documents[1].Version != 1 ||
		strings.Join(m.Documents[1].ReasonCodes, ",") != "conversion_below_threshold,llm_not_configured" || *m.Documents[0].Scores.Clarity != 8 {
		t.Errorf("manifest: %+v", m)
	}
	if s := files[order[3]]; !strings.Contains(s, "✅ RAG Ready") || !strings.Contains(s, "conversion_below_threshold") || !strings.Contains(s, "`d2` (version 1)") {
		t.Errorf("summary:\n%s", s)
	}
}

func TestZipRAGReady(t *testing.T) {
	refs, docs := testDocs()
	order, _, m := writeZip(t, refs, docs, ZipOptions{Type: TypeRAGReady, Now: at})
	if len(order) != 3 || m.DocumentCount != 2 || m.Documents[0].DocumentID != "d1" || m.Documents[1].DocumentID != "d3" {
		t.Fatalf("entries %q, manifest %+v", order, m)
	}
	var buf bytes.Buffer
	_, err := WriteZip(context.Background(), &buf, RefList(refs[1:2]), docs, ZipOptions{Type: TypeRAGReady})
	if !errors.Is(err, ErrNoneRAGReady) || buf.Len() != 0 {
		t.Fatalf("none RAG-ready: err %v, %d bytes written", err, buf.Len())
	}
}

func TestZipCombinedDemotesHeadingsOutsideCode(t *testing.T) {
	refs, docs := testDocs()
	order, files, m := writeZip(t, refs, docs, ZipOptions{Type: TypeCombined, Now: at})
	if order[0] != "individual_files/report.md" || len(m.Files) != 1 || m.Files[0].Name != "COMBINED_EXPORT_20261206_083000.md" {
		t.Fatalf("entries %q", order)
	}
	combined := files[m.Files[0].Name]
	for _, want := range []string{
		"# report.pdf\n", "# ../../etc/passwd  .docx\n", // each document under its name; a line break cannot start a heading
		"## Annual report\n", "# a shell comment, not a heading\n", "Setext title\n------------\n", "###### Deepest\n",
		"### Subtitle\n", "> ### Quoted heading\n", "    # indented code\n",
		"### Section\n", "- ## heading in a list\n",
		"**RAG-ready:** 2 (67%)",
	} {
		if !strings.Contains(combined, want) {
			t.Errorf("combined document lacks %q:\n%s", want, combined)
		}
	}
	if strings.Contains(combined, "## a shell comment") || strings.Contains(combined, "======") {
		t.Errorf("heading demoted inside code or setext left as level 1:\n%s", combined)
	}
	if docs.loads != 6 {
		t.Errorf("%d loads, want 2 passes over 3 documents", docs.loads)
	}
}

func TestZipLoadFailureStops(t *testing.T) {
	refs, docs := testDocs()
	refs = append(refs, Ref{DocumentID: "gone", Filename: "x.md"})
	_, err := WriteZip(context.Background(), io.Discard, RefList(refs), docs, ZipOptions{Type: TypeIndividual})
	if err == nil || !strings.Contains(err.Error(), "gone") {
		t.Fatalf("err = %v", err)
	}
}

// schema compiles the chunk record's JSON Schema.
func schema(t testing.TB) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(RecordSchema))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("chunk.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile("chunk.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestJSONLValidAgainstSchema(t *testing.T) {
	refs, docs := testDocs()
	long := "# Manual\n\n" + strings.Repeat("## Step\n\nDo this, then that, and check the result twice. ", 30)
	docs.md["d1"] = long + "\n\n| a | b |\n|---|---|\n" + strings.Repeat("| cell | value |\n", 80)
	docs.pages = map[string][]format.Page{"d1": {{Number: 1, Start: 0}, {Number: 2, Start: len(long) / 2}, {Number: 3, Start: len(long)}}}
	tk, _ := chunk.NewTokenizer(chunk.TokenizerO200K)
	opt := chunk.Options{Size: 64, Overlap: 8, Tokenizer: tk}
	var buf bytes.Buffer
	st, err := WriteJSONL(context.Background(), &buf, RefList(refs), docs, opt)
	if err != nil {
		t.Fatal(err)
	}
	sch := schema(t)
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<20)
	var recs []Record
	for sc.Scan() {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(sc.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if err := sch.Validate(inst); err != nil {
			t.Fatalf("record %s: %v", sc.Text(), err)
		}
		var r Record
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	if st.Documents != 3 || st.Chunks != len(recs) || st.Chunks < 20 {
		t.Fatalf("stats %+v, %d records", st, len(recs))
	}
	checkRecords(t, recs, docs, opt)
}

// checkRecords asserts the links, offsets, sizes and pages of records.
func checkRecords(t *testing.T, recs []Record, docs *fakeDocs, opt chunk.Options) {
	t.Helper()
	for i, r := range recs {
		md := docs.md[r.DocumentID]
		if md[r.CharStart:r.CharEnd] != r.Text || opt.Tokenizer.Count(r.EmbedText) > opt.Size || r.EmbedTokenCount > opt.Size {
			t.Fatalf("record %d: offsets or size wrong: %+v", i, r)
		}
		if r.ChunkID != ChunkID(r.DocumentID, r.DocumentVersion, r.ChunkIndex, r.Text) {
			t.Errorf("record %d: chunk id is not the stable hash", i)
		}
		first, last := r.ChunkIndex == 0, r.ChunkIndex == r.ChunkCount-1
		if first != (r.PrevChunkID == nil) || last != (r.NextChunkID == nil) ||
			!first && *r.PrevChunkID != recs[i-1].ChunkID || !last && *r.NextChunkID != recs[i+1].ChunkID {
			t.Errorf("record %d: prev/next links wrong", i)
		}
		if r.DocumentID == "d1" && len(docs.pages["d1"]) == 3 {
			second, third := docs.pages["d1"][1].Start, docs.pages["d1"][2].Start
			if r.CharStart >= third && fmt.Sprint(r.Pages) != "[3]" || r.CharEnd <= second && fmt.Sprint(r.Pages) != "[1]" {
				t.Errorf("record %d [%d:%d): pages %v", i, r.CharStart, r.CharEnd, r.Pages)
			}
		}
		if len(docs.pages[r.DocumentID]) > 0 && len(r.Pages) == 0 {
			t.Errorf("record %d: no pages, though the document has a page map", i)
		}
		if len(docs.pages[r.DocumentID]) == 0 && len(r.Pages) != 0 {
			t.Errorf("record %d: pages %v for a document without a page map", i, r.Pages)
		}
	}
}

// TestRefsErrorStopsExports: an error of the document iterator ends either
// export with that error.
func TestRefsErrorStopsExports(t *testing.T) {
	refs, docs := testDocs()
	boom := errors.New("database gone")
	failing := func(ctx context.Context, each func(Ref) error) error {
		if err := each(refs[0]); err != nil {
			return err
		}
		return boom
	}
	if _, err := WriteZip(context.Background(), io.Discard, failing, docs, ZipOptions{Type: TypeCombined}); !errors.Is(err, boom) {
		t.Errorf("zip: %v", err)
	}
	tk, _ := chunk.NewTokenizer(chunk.TokenizerCharacters)
	if _, err := WriteJSONL(context.Background(), io.Discard, failing, docs, chunk.Options{Size: 64, Tokenizer: tk}); !errors.Is(err, boom) {
		t.Errorf("jsonl: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := WriteJSONL(ctx, io.Discard, RefList(refs), docs, chunk.Options{Size: 64, Tokenizer: tk}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled jsonl: %v", err)
	}
}
