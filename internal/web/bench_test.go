package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/source"
	"github.com/curatore/curatore/internal/testenv"
	"github.com/curatore/curatore/internal/user"
)

// benchPages are the pages measured, as a signed-in org admin who is also
// a system administrator.
var benchPages = []string{"/", "/documents", "/documents?status=completed&rag_ready=true", "/usage", "/members",
	"/api-keys", "/settings", "/organization", "/audit", "/system", "/admin/organizations", "/forgot-password",
	"/sources", "/sources/inventory"}

// seeded is an application with a populated organization and a signed-in
// admin's cookies.
type seeded struct {
	env     *testenv.Env
	orgID   string
	cookies []*http.Cookie
}

// addDocuments inserts n document rows (no files: the list pages read rows
// only), a tenth of them completed and RAG-ready, in batches.
func (s *seeded) addDocuments(tb testing.TB, n int) {
	ctx := context.Background()
	base := time.Now().UTC().Add(-time.Duration(n) * time.Second)
	for start := 0; start < n; start += 5000 {
		err := s.env.DB.InTx(ctx, func(q db.Querier) error {
			for i := start; i < min(start+5000, n); i++ {
				status, ready := "uploaded", false
				if i%10 == 0 {
					status, ready = "completed", true
				}
				at := base.Add(time.Duration(i) * time.Second)
				if _, err := q.Exec(ctx, `INSERT INTO documents (id, org_id, filename, content_type, kind, file_size, sha256,
					status, rag_ready, conversion_score, uploaded_at, updated_at) VALUES (?, ?, ?, 'text/markdown', 'md', ?, ?, ?, ?, ?, ?, ?)`,
					db.NewID(), s.orgID, fmt.Sprintf("document-%06d.md", i), 1000+i, fmt.Sprintf("%064d", i), status, ready,
					float64(i%100), at, at); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// seed makes an organization with n members and n audit rows, and signs
// its admin in.
func seed(tb testing.TB, n int) *seeded {
	env := testenv.New(tb, "sqlite", nil)
	o := env.CreateOrg(tb, "Acme")
	u := env.CreateUser(tb, o.ID, auth.RoleAdmin, "Ada")
	ctx := context.Background()
	if err := user.SetSystemAdmin(ctx, env.DB, u.ID, true); err != nil {
		tb.Fatal(err)
	}
	err := env.DB.InTx(ctx, func(q db.Querier) error {
		for i := 0; i < n; i++ {
			m := user.User{Email: fmt.Sprintf("person%d@example.com", i), Username: fmt.Sprintf("person%d", i),
				PasswordHash: "!", FullName: fmt.Sprintf("Person %d", i), IsActive: true}
			if err := user.Create(ctx, q, &m); err != nil {
				return err
			}
			if err := user.AddMembership(ctx, q, &user.Membership{OrgID: o.ID, UserID: m.ID, Role: "member", IsActive: true}); err != nil {
				return err
			}
			if err := audit.Record(ctx, q, audit.Entry{OrgID: o.ID, UserID: u.ID, Action: "user.invite", EntityType: "user",
				EntityID: m.ID, Details: map[string]any{"email": m.Email}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	addSources(tb, env, auth.Scope{OrgID: o.ID, UserID: u.ID, Role: auth.RoleAdmin}, 50)
	b := newBrowser(tb, env)
	b.signIn(u.Email, u.Password)
	req, _ := http.NewRequest("GET", env.URL+"/", nil)
	return &seeded{env: env, orgID: o.ID, cookies: b.c.Jar.Cookies(req.URL)}
}

// serve runs one request through the whole handler stack without the
// network and returns the recorder.
func (s *seeded) serve(path string, gzipOK bool) *httptest.ResponseRecorder {
	req := httptest.NewRequest("GET", path, nil)
	for _, c := range s.cookies {
		req.AddCookie(c)
	}
	if gzipOK {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	rec := httptest.NewRecorder()
	s.env.App.API.Handler().ServeHTTP(rec, req)
	return rec
}

// BenchmarkPageRender is each page's server-side time (session check,
// queries, template) with 1,000 documents, 1,000 members and 1,000 audit
// rows in the organization.
func BenchmarkPageRender(b *testing.B) {
	defer quietLog()()
	s := seed(b, 1000)
	s.addDocuments(b, 1000)
	for _, p := range benchPages {
		b.Run(p, func(b *testing.B) {
			if rec := s.serve(p, false); rec.Code != http.StatusOK {
				b.Fatalf("%s: %d", p, rec.Code)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s.serve(p, false)
			}
		})
	}
}

// quietLog silences the access log (one line per request) while a
// benchmark runs, and returns the function that restores it.
func quietLog() func() {
	old := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(io.Discard, nil)))
	return func() { slog.SetDefault(old) }
}

var assetRef = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)

// firstLoad returns the compressed bytes a browser downloads to show a page
// the first time: the HTML gzipped (as a compressing proxy or the client's
// measure would see it) and every asset it links, as served (gzip).
func firstLoad(t testing.TB, s *seeded, path string) (html, assets int) {
	rec := s.serve(path, false)
	if rec.Code != http.StatusOK {
		t.Fatalf("%s: %d", path, rec.Code)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write(rec.Body.Bytes())
	_ = zw.Close()
	for _, m := range assetRef.FindAllStringSubmatch(rec.Body.String(), -1) {
		a := s.serve(m[1], true)
		if a.Code != http.StatusOK {
			t.Fatalf("%s: asset %s: %d", path, m[1], a.Code)
		}
		assets += a.Body.Len()
	}
	return gz.Len(), assets
}

// BenchmarkDocumentList100k is the document list with 100,000 documents in
// the organization: the first page, a page deep in the list (keyset
// pagination: the cost does not grow with the depth) and a filtered page.
func BenchmarkDocumentList100k(b *testing.B) {
	defer quietLog()()
	s := seed(b, 10)
	s.addDocuments(b, 100_000)
	deep := s.pageAfter(b, "/documents", 2000) // 2,000 pages in
	for name, path := range map[string]string{"first": "/documents", "page_2000": deep,
		"completed_rag_ready": "/documents?status=completed&rag_ready=true", "name_search": "/documents?q=document-0999"} {
		b.Run(name, func(b *testing.B) {
			if rec := s.serve(path, false); rec.Code != http.StatusOK {
				b.Fatalf("%s: %d", path, rec.Code)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				s.serve(path, false)
			}
		})
	}
}

var nextLink = regexp.MustCompile(`href="(/documents\?after=[^"]+)">Next`)

// pageAfter follows the list's Next link n times and returns that URL.
func (s *seeded) pageAfter(tb testing.TB, path string, n int) string {
	for i := 0; i < n; i++ {
		m := nextLink.FindStringSubmatch(s.serve(path, false).Body.String())
		if m == nil {
			tb.Fatalf("no next link after %d pages", i)
		}
		path = strings.ReplaceAll(m[1], "&amp;", "&")
	}
	return path
}

// TestFirstLoadWeight keeps every page's first load under 150 KB
// compressed, with a full organization (1,000 members and audit rows).
func TestFirstLoadWeight(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 1,000 members")
	}
	s := seed(t, 1000)
	s.addDocuments(t, 1000)
	for _, p := range benchPages {
		html, assets := firstLoad(t, s, p)
		t.Logf("%-22s html %6d B gz, assets %6d B gz, total %6d B", p, html, assets, html+assets)
		if html+assets > 150*1024 {
			t.Errorf("%s weighs %d bytes compressed on first load; the budget is 150 KB", p, html+assets)
		}
	}
}

// addSources saves n SharePoint sources (never synced) for the sources page.
func addSources(tb testing.TB, env *testenv.Env, sc auth.Scope, n int) {
	for i := 0; i < n; i++ {
		name, link := fmt.Sprintf("Source %03d", i), fmt.Sprintf("https://contoso.sharepoint.com/:f:/s/Team/E%03d", i)
		rec := i%2 == 0
		if _, err := env.App.Sources.Create(context.Background(), sc, source.Input{Name: &name, FolderURL: &link, Recursive: &rec}); err != nil {
			tb.Fatal(err)
		}
	}
}
