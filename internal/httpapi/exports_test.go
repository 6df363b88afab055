package httpapi_test

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/chunk"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/document"
	"github.com/curatore/curatore/internal/export"
	"github.com/curatore/curatore/internal/extract/format"
	"github.com/curatore/curatore/internal/pipeline"
	"github.com/curatore/curatore/internal/testenv"
)

// seedExport uploads name as the member of orgID and stores a processed
// state for it directly: one Markdown version with its page map and a
// result, RAG-ready or not (reason conversion_below_threshold).
func seedExport(t testing.TB, env *testenv.Env, token, orgID, name, md string, pages []format.Page, ready bool) string {
	t.Helper()
	st, doc := env.Upload(t, token, name, []byte("# "+name+"\n\nuploaded "+name+"\n"), "?duplicate=true")
	if st != http.StatusOK {
		t.Fatalf("upload %s: %d %v", name, st, doc)
	}
	id := doc["document_id"].(string)
	ctx := context.Background()
	vs, err := document.PutVersionFiles(ctx, env.App.Storage, orgID, id, []document.NewVersion{{Kind: document.KindExtracted, Markdown: md, Pages: pages}})
	if err != nil {
		t.Fatal(err)
	}
	res := &pipeline.Result{DocumentID: id, Filename: name, Status: "completed", Success: true, ConversionScore: 93,
		PassAllThresholds: ready, ReasonCodes: []string{}}
	if !ready {
		res.ConversionScore, res.ReasonCodes = 41, []string{"conversion_below_threshold"}
	}
	if err := env.DB.InTx(ctx, func(q db.Querier) error {
		if err := document.InsertVersions(ctx, q, orgID, id, vs); err != nil {
			return err
		}
		_, err := document.SaveResult(ctx, q, orgID, id, "", res)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

// exportSet is one organization's documents for the export tests.
type exportSet struct {
	orgID, admin, viewer string
	ready, readyPaged    string // RAG-ready documents
	notReady, unconv     string // not RAG-ready; uploaded only (no Markdown)
	markdown             map[string]string
}

const (
	mdReport = "# Annual report\n\nIntro paragraph.\n\n```sh\n# a shell comment, not a heading\necho hi\n```\n\nSub\n---\n\nBody text.\n"
	mdDraft  = "# Draft\n\nUnfinished.\n"
)

// pagedMD is a three-page document: each page a section of prose.
func pagedMD() (string, []format.Page) {
	var b strings.Builder
	var pages []format.Page
	for p := 1; p <= 3; p++ {
		pages = append(pages, format.Page{Number: p, Start: b.Len(), Chars: -1})
		fmt.Fprintf(&b, "## Page %d\n\n", p)
		for i := range 6 {
			fmt.Fprintf(&b, "Paragraph %d of page %d talks about topic %c in enough words to need a chunk or two. ", i, p, 'A'+i)
			b.WriteString(strings.Repeat("More detail on the same point. ", 5) + "\n\n")
		}
	}
	return b.String(), pages
}

func newExportSet(t testing.TB, env *testenv.Env, name string) exportSet {
	t.Helper()
	o := env.CreateOrg(t, name)
	admin := env.LoginAs(t, env.CreateUser(t, o.ID, auth.RoleAdmin, name+" admin"), o.ID)
	viewer := env.LoginAs(t, env.CreateUser(t, o.ID, auth.RoleViewer, name+" viewer"), o.ID)
	paged, pages := pagedMD()
	s := exportSet{orgID: o.ID, admin: admin, viewer: viewer, markdown: map[string]string{}}
	s.ready = seedExport(t, env, admin, o.ID, "report.md", mdReport, nil, true)
	s.readyPaged = seedExport(t, env, admin, o.ID, "Report.MD", paged, pages, true)
	s.notReady = seedExport(t, env, admin, o.ID, "draft.md", mdDraft, nil, false)
	st, doc := env.Upload(t, admin, "raw.md", []byte("# Raw "+name+"\n"), "?duplicate=true")
	if st != http.StatusOK {
		t.Fatalf("upload: %d", st)
	}
	s.unconv = doc["document_id"].(string)
	s.markdown[s.ready], s.markdown[s.readyPaged], s.markdown[s.notReady] = mdReport, paged, mdDraft
	return s
}

// download posts a bulk download and returns the response.
func download(t testing.TB, env *testenv.Env, token string, body any) (*http.Response, []byte) {
	t.Helper()
	resp := env.Request(t, "POST", "/api/v1/documents/download/bulk", body, []testenv.Header{{Name: "Authorization", Value: "Bearer " + token}})
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body: %v", err)
	}
	return resp, b
}

// openZip checks a ZIP response entry by entry against its manifest and
// returns the entries by name and the manifest.
func openZip(t testing.TB, resp *http.Response, body []byte) (map[string]string, []string, export.Manifest) {
	t.Helper()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/zip" {
		t.Fatalf("status %d, type %q: %.300s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	zr, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	files, order := map[string]string{}, []string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		files[f.Name] = string(b)
		order = append(order, f.Name)
	}
	var m export.Manifest
	if order[len(order)-1] != "manifest.json" || json.Unmarshal([]byte(files["manifest.json"]), &m) != nil {
		t.Fatalf("no manifest at the end: %v", order)
	}
	listed := slices.Clone(m.Files)
	for _, d := range m.Documents {
		listed = append(listed, d.Entries...)
	}
	if len(listed) != len(order)-1 {
		t.Errorf("manifest lists %d entries, archive has %d", len(listed), len(order)-1)
	}
	for _, e := range listed {
		sum := sha256.Sum256([]byte(files[e.Name]))
		if hex.EncodeToString(sum[:]) != e.SHA256 || int64(len(files[e.Name])) != e.Size {
			t.Errorf("entry %s does not match its manifest checksum", e.Name)
		}
	}
	return files, order, m
}

func TestBulkDownload(t *testing.T) {
	testenv.Each(t, map[string]string{"WORKER_CONCURRENCY": "0"}, func(t *testing.T, env *testenv.Env) {
		s := newExportSet(t, env, "Exporters")
		ids := []string{s.ready, s.readyPaged, s.notReady}

		resp, body := download(t, env, s.viewer, map[string]any{"document_ids": ids, "zip_name": "Q3 \"final\"\r\nX-Evil: 1/../.."})
		files, order, m := openZip(t, resp, body)
		_, params, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
		if err != nil || params["filename"] != "_.zip" && !strings.HasSuffix(params["filename"], ".zip") || resp.Header.Get("X-Evil") != "" ||
			strings.ContainsAny(params["filename"], "/\r\n\"") {
			t.Errorf("Content-Disposition %q → %v %v", resp.Header.Get("Content-Disposition"), params, err)
		}
		want := []string{"processed_documents/report.md", "processed_documents/Report (2).md", "processed_documents/draft.md"}
		if !slices.Equal(order[:3], want) || !strings.HasPrefix(order[3], "PROCESSING_SUMMARY_") || len(order) != 5 {
			t.Fatalf("entries %v", order)
		}
		if files[want[0]] != mdReport || m.DocumentCount != 3 || m.RAGReadyCount != 2 || m.Documents[2].RAGReady ||
			!slices.Equal(m.Documents[2].ReasonCodes, []string{"conversion_below_threshold"}) || m.Documents[0].Version != 1 ||
			*m.Documents[0].Scores.Conversion != 93 || m.Documents[0].Scores.Clarity != nil || m.Documents[0].Source != "upload" {
			t.Errorf("manifest %+v", m)
		}

		resp, body = download(t, env, s.admin, map[string]any{"document_ids": ids, "download_type": "combined", "include_summary": false})
		files, order, _ = openZip(t, resp, body)
		if !strings.HasPrefix(order[0], "individual_files/") || !strings.HasPrefix(order[3], "COMBINED_EXPORT_") || len(order) != 5 {
			t.Fatalf("combined entries %v", order)
		}
		combined := files[order[3]]
		for _, want := range []string{"\n# report.md\n", "\n## Annual report\n", "\n# a shell comment, not a heading\n", "\n### Sub\n", "\n### Page 2\n"} {
			if !strings.Contains(combined, want) {
				t.Errorf("combined document lacks %q", want)
			}
		}

		resp, body = download(t, env, s.admin, map[string]any{"document_ids": append(ids, s.unconv), "download_type": "rag_ready"})
		_, order, m = openZip(t, resp, body)
		if m.DocumentCount != 2 || len(order) != 4 {
			t.Errorf("rag_ready: %v", order)
		}
		var n int
		if err := env.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_logs WHERE org_id = ? AND action = 'documents.download'
			AND status = 'success'`, s.orgID).Scan(&n); err != nil || n != 3 {
			t.Errorf("%d download audit rows (%v), want 3", n, err)
		}
	})
}

func TestBulkDownloadProblems(t *testing.T) {
	testenv.Each(t, map[string]string{"WORKER_CONCURRENCY": "0"}, func(t *testing.T, env *testenv.Env) {
		s := newExportSet(t, env, "Exporters")
		other := newExportSet(t, env, "Others")
		for _, tc := range []struct {
			body   any
			status int
			code   string
			detail string
		}{
			{map[string]any{"document_ids": []string{}}, 422, "validation_error", "document_ids"},
			{map[string]any{"document_ids": []string{s.ready}, "download_type": "everything"}, 422, "validation_error", "download_type"},
			{map[string]any{"document_ids": []string{s.ready}, "zip_name": strings.Repeat("z", 300)}, 422, "validation_error", "zip_name"},
			{map[string]any{"document_ids": "nope"}, 422, "invalid_json", ""},
			{map[string]any{"document_ids": []string{s.ready, other.ready, "missing"}}, 404, "documents_not_found", other.ready + ", missing"},
			{map[string]any{"document_ids": []string{s.ready, s.unconv}}, 409, "documents_not_processed", s.unconv},
			{map[string]any{"document_ids": []string{s.notReady, s.unconv}, "download_type": "rag_ready"}, 404, "no_rag_ready_documents", "none of the 2 documents"},
		} {
			var p struct{ Code, Detail string }
			resp, body := download(t, env, s.admin, tc.body)
			_ = json.Unmarshal(body, &p)
			if resp.StatusCode != tc.status || p.Code != tc.code || !strings.Contains(string(body), tc.detail) ||
				resp.Header.Get("Content-Disposition") != "" {
				t.Errorf("%v: %d %s, want %d %s", tc.body, resp.StatusCode, body, tc.status, tc.code)
			}
		}
	})
}

func TestRAGReadyDownload(t *testing.T) {
	testenv.Each(t, map[string]string{"WORKER_CONCURRENCY": "0"}, func(t *testing.T, env *testenv.Env) {
		s := newExportSet(t, env, "Exporters")
		other := newExportSet(t, env, "Others")
		resp := env.Request(t, "GET", "/api/v1/documents/download/rag-ready?zip_name=all", nil, []testenv.Header{{Name: "Authorization", Value: "Bearer " + s.viewer}})
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		_, order, m := openZip(t, resp, body)
		got := []string{m.Documents[0].DocumentID, m.Documents[1].DocumentID}
		slices.Sort(got)
		want := []string{s.ready, s.readyPaged}
		slices.Sort(want)
		if !slices.Equal(got, want) || len(order) != 4 || !strings.Contains(resp.Header.Get("Content-Disposition"), `filename="all.zip"`) {
			t.Errorf("rag-ready download: %v %v %s", order, got, resp.Header.Get("Content-Disposition"))
		}
		for _, id := range []string{other.ready, other.readyPaged} {
			if bytes.Contains(body, []byte(id)) || strings.Contains(fmt.Sprint(m), id) {
				t.Errorf("another organization's document %s in the export", id)
			}
		}
		// An organization with nothing RAG-ready gets a clear 404.
		empty := env.CreateOrg(t, "Empty")
		tok := env.LoginAs(t, env.CreateUser(t, empty.ID, auth.RoleMember, "Empty member"), empty.ID)
		var p struct{ Code, Detail string }
		if st := env.DoJSON(t, "GET", "/api/v1/documents/download/rag-ready", tok, nil, &p); st != 404 || p.Code != "no_rag_ready_documents" ||
			!strings.Contains(p.Detail, "RAG-ready") {
			t.Errorf("none RAG-ready: %d %+v", st, p)
		}
	})
}

// chunkSchema compiles the chunk record schema served by the API.
func chunkSchema(t testing.TB, env *testenv.Env) *jsonschema.Schema {
	t.Helper()
	st, body := env.Do(t, "GET", "/api/v1/documents/chunk-schema.json", "", nil)
	if st != 200 {
		t.Fatalf("schema: %d", st)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("chunk.json", doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile("chunk.json")
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

// exportLines streams the JSONL export and validates every line.
func exportLines(t testing.TB, env *testenv.Env, token, query string, sch *jsonschema.Schema) []export.Record {
	t.Helper()
	resp := env.Request(t, "GET", "/api/v1/documents/export.jsonl"+query, nil, []testenv.Header{{Name: "Authorization", Value: "Bearer " + token}})
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/x-ndjson") {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("export.jsonl%s: %d %s", query, resp.StatusCode, b)
	}
	var recs []export.Record
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(sc.Bytes()))
		if err == nil {
			err = sch.Validate(inst)
		}
		if err != nil {
			t.Fatalf("line %s: %v", sc.Text(), err)
		}
		var r export.Record
		_ = json.Unmarshal(sc.Bytes(), &r)
		recs = append(recs, r)
	}
	return recs
}

func TestExportJSONL(t *testing.T) {
	testenv.Each(t, map[string]string{"WORKER_CONCURRENCY": "0"}, func(t *testing.T, env *testenv.Env) {
		s := newExportSet(t, env, "Exporters")
		other := newExportSet(t, env, "Others")
		sch := chunkSchema(t, env)
		tk, _ := chunk.NewTokenizer(chunk.TokenizerO200K)
		recs := exportLines(t, env, s.viewer, "?chunk_size=64&chunk_overlap=8&tokenizer=o200k_base", sch)
		docs := map[string]int{}
		for _, r := range recs {
			docs[r.DocumentID]++
			md := s.markdown[r.DocumentID]
			if md == "" || md[r.CharStart:r.CharEnd] != r.Text || tk.Count(r.EmbedText) > 64 || r.Tokenizer != "o200k_base" {
				t.Fatalf("record %+v: not one of the organization's RAG-ready documents, or offsets/size wrong", r)
			}
			if r.DocumentID == s.readyPaged && len(r.Pages) == 0 || r.DocumentID == s.ready && len(r.Pages) != 0 {
				t.Errorf("record %s/%d: pages %v", r.DocumentID, r.ChunkIndex, r.Pages)
			}
		}
		if len(docs) != 2 || docs[s.readyPaged] < 6 {
			t.Errorf("chunks per document %v: want the two RAG-ready ones", docs)
		}
		// The offsets are offsets into the Markdown the API serves for that version.
		r := recs[len(recs)-1]
		if st, md := env.Do(t, "GET", fmt.Sprintf("/api/v1/documents/%s/download?version=%d", r.DocumentID, r.DocumentVersion), s.viewer, nil); st != 200 ||
			string(md[r.CharStart:r.CharEnd]) != r.Text {
			t.Errorf("download of version %d: %d", r.DocumentVersion, st)
		}
		all := exportLines(t, env, s.admin, "?rag_ready=false&tokenizer=characters&chunk_size=200", sch)
		if len(all) == 0 || all[0].DocumentID != s.notReady || all[0].Quality.RAGReady {
			t.Errorf("rag_ready=false exported %d records, first %+v", len(all), all)
		}
		everything := map[string]bool{}
		for _, rec := range exportLines(t, env, s.admin, "?rag_ready=all", sch) {
			everything[rec.DocumentID] = true
		}
		if len(everything) != 3 || !everything[s.notReady] || !everything[s.ready] {
			t.Errorf("rag_ready=all exported %v", everything)
		}
		for _, rec := range append(recs, all...) {
			if rec.DocumentID == other.ready || rec.DocumentID == other.readyPaged || rec.DocumentID == s.unconv {
				t.Errorf("exported %s", rec.DocumentID)
			}
		}
		for _, q := range []string{"?chunk_size=8", "?chunk_size=100&chunk_overlap=60", "?tokenizer=gpt2", "?rag_ready=maybe", "?sort=size"} {
			if st, body := env.Do(t, "GET", "/api/v1/documents/export.jsonl"+q, s.admin, nil); st != 422 {
				t.Errorf("%s: %d %s", q, st, body)
			}
		}
	})
}

func TestChunkPreview(t *testing.T) {
	testenv.Each(t, map[string]string{"WORKER_CONCURRENCY": "0"}, func(t *testing.T, env *testenv.Env) {
		s := newExportSet(t, env, "Exporters")
		var p struct {
			DocumentID string          `json:"document_id"`
			Version    int             `json:"document_version"`
			ChunkCount int             `json:"chunk_count"`
			Chunks     []export.Record `json:"chunks"`
		}
		if st := env.DoJSON(t, "GET", "/api/v1/documents/"+s.readyPaged+"/chunks?chunk_size=48&tokenizer=cl100k_base", s.viewer, nil, &p); st != 200 ||
			p.ChunkCount != len(p.Chunks) || p.ChunkCount < 6 || p.Version != 1 {
			t.Fatalf("preview: %d %+v", st, p)
		}
		for i, c := range p.Chunks {
			if c.ChunkIndex != i || c.EmbedTokenCount > 48 || !slices.Equal(c.HeadingPath, []string{fmt.Sprintf("Page %d", c.Pages[0])}) {
				t.Errorf("chunk %d: %+v", i, c)
			}
		}
		// Without parameters, the organization's chunking settings apply.
		if st, body := env.Do(t, "PUT", "/api/v1/organizations/me/settings", s.admin,
			map[string]any{"settings": map[string]any{"chunking.size": 100, "chunking.tokenizer": "characters"}}); st != 200 {
			t.Fatalf("settings: %d %s", st, body)
		}
		var q struct {
			Tokenizer string `json:"tokenizer"`
			ChunkSize int    `json:"chunk_size"`
			Overlap   int    `json:"chunk_overlap"`
		}
		if st := env.DoJSON(t, "GET", "/api/v1/documents/"+s.readyPaged+"/chunks", s.viewer, nil, &q); st != 200 ||
			q.Tokenizer != "characters" || q.ChunkSize != 100 || q.Overlap != 50 {
			t.Errorf("preview with the organization's settings: %d %+v", st, q)
		}
		for _, tc := range []struct {
			path   string
			status int
		}{
			{"/api/v1/documents/" + s.unconv + "/chunks", 404},
			{"/api/v1/documents/" + s.ready + "/chunks?version=9", 404},
			{"/api/v1/documents/" + s.ready + "/chunks?chunk_overlap=-1", 422},
		} {
			if st, body := env.Do(t, "GET", tc.path, s.admin, nil); st != tc.status {
				t.Errorf("%s: %d %s, want %d", tc.path, st, body, tc.status)
			}
		}
	})
}

// TestExportCutShort: when a document's Markdown goes missing after the
// archive has started, the connection is cut (the client cannot take a
// truncated archive for a whole one) and a failure is audited.
func TestExportCutShort(t *testing.T) {
	testenv.Each(t, map[string]string{"WORKER_CONCURRENCY": "0"}, func(t *testing.T, env *testenv.Env) {
		s := newExportSet(t, env, "Exporters")
		var big strings.Builder
		for i := 0; big.Len() < 1<<20; i++ {
			fmt.Fprintf(&big, "Line %d with a number %x that deflate cannot squeeze much.\n", i, sha256.Sum256([]byte{byte(i), byte(i >> 8)}))
		}
		large := seedExport(t, env, s.admin, s.orgID, "large.md", big.String(), nil, true)
		vs, err := env.App.Documents.Versions(context.Background(), orgScope(s.orgID), s.notReady)
		if err != nil {
			t.Fatal(err)
		}
		if err := env.App.Storage.Delete(context.Background(), vs[0].Key); err != nil {
			t.Fatal(err)
		}
		resp := env.Request(t, "POST", "/api/v1/documents/download/bulk", map[string]any{"document_ids": []string{large, s.notReady}},
			[]testenv.Header{{Name: "Authorization", Value: "Bearer " + s.admin}})
		_, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || err == nil {
			t.Fatalf("status %d, read error %v: want a started archive cut short", resp.StatusCode, err)
		}
		var n int
		if err := env.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_logs WHERE org_id = ? AND action = 'documents.download'
			AND status = 'failure'`, s.orgID).Scan(&n); err != nil || n != 1 {
			t.Errorf("%d failure rows (%v), want 1", n, err)
		}
	})
}

func orgScope(orgID string) auth.Scope { return auth.Scope{OrgID: orgID, Role: auth.RoleAdmin} }

// TestExportPagesThroughEveryDocument: exports read the documents page by
// page (200 at a time) and send each exactly once.
func TestExportPagesThroughEveryDocument(t *testing.T) {
	testenv.Each(t, map[string]string{"WORKER_CONCURRENCY": "0"}, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Many")
		tok := env.LoginAs(t, env.CreateUser(t, o.ID, auth.RoleAdmin, "Many admin"), o.ID)
		const n = 430
		for i := range n {
			seedExport(t, env, tok, o.ID, fmt.Sprintf("doc %d.md", i), fmt.Sprintf("# Doc %d\n\nText.\n", i), nil, true)
		}
		resp := env.Request(t, "GET", "/api/v1/documents/download/rag-ready", nil, []testenv.Header{{Name: "Authorization", Value: "Bearer " + tok}})
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		_, _, m := openZip(t, resp, body)
		zipped := map[string]bool{}
		for _, d := range m.Documents {
			zipped[d.DocumentID] = true
		}
		lines := map[string]int{}
		for _, r := range exportLines(t, env, tok, "", chunkSchema(t, env)) {
			lines[r.DocumentID]++
		}
		if m.DocumentCount != n || len(zipped) != n || len(lines) != n {
			t.Errorf("zip: %d entries for %d documents; jsonl: %d documents; want %d", m.DocumentCount, len(zipped), len(lines), n)
		}
	})
}
