package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/health"
	"github.com/curatore/curatore/internal/httpapi"
)

// newServer builds the API on d with default configuration plus extra routes.
func newServer(t *testing.T, d *db.DB, extra ...httpapi.Route) *httptest.Server {
	t.Helper()
	cfg, err := config.FromMap(nil)
	if err != nil {
		t.Fatal(err)
	}
	reg := health.NewRegistry()
	reg.Register("database", health.Database(d))
	api := httpapi.New(httpapi.Deps{Config: cfg, DB: d, Health: reg, Version: "test", Extra: extra})
	srv := httptest.NewServer(api.Handler())
	t.Cleanup(srv.Close)
	return srv
}

func getJSON(t *testing.T, url string) (int, map[string]any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	return resp.StatusCode, body
}

func TestHealthHealthy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		srv := newServer(t, d)
		code, body := getJSON(t, srv.URL+"/api/v1/system/health")
		if code != 200 || body["status"] != "healthy" || body["version"] != "test" || body["timestamp"] == nil {
			t.Fatalf("liveness %d %v", code, body)
		}
		code, body = getJSON(t, srv.URL+"/api/v1/system/health/database")
		if code != 200 || body["status"] != "healthy" || body["connected"] != true {
			t.Fatalf("database %d %v", code, body)
		}
		// Without credentials: the status and public fields, nothing else.
		for _, k := range []string{"database_type", "migration_version"} {
			if _, ok := body[k]; !ok {
				t.Errorf("database health lacks %q", k)
			}
		}
		for _, k := range []string{"database_url", "tables", "database_size_mb"} {
			if _, ok := body[k]; ok {
				t.Errorf("public database health shows %q", k)
			}
		}
		code, body = getJSON(t, srv.URL+"/api/v1/system/health/comprehensive")
		comps, _ := body["components"].(map[string]any)
		if code != 200 || body["overall_status"] != "healthy" || comps["database"] == nil || comps["backend"] == nil {
			t.Fatalf("comprehensive %d %v", code, body)
		}
		for _, p := range []string{"/healthz", "/readyz"} {
			if code, body := getJSON(t, srv.URL+p); code != 200 {
				t.Errorf("%s: %d %v", p, code, body)
			}
		}
	})
}

func TestHealthSQLiteFileGoneThenBack(t *testing.T) {
	d := dbtest.New(t)
	srv := newServer(t, d)
	path := d.URL.Path
	if err := os.Rename(path, path+".moved"); err != nil {
		t.Fatal(err)
	}
	code, body := getJSON(t, srv.URL+"/api/v1/system/health/database")
	if code != 503 || body["status"] != "unhealthy" {
		t.Fatalf("with the file gone: %d %v", code, body)
	}
	if _, body := getJSON(t, srv.URL+"/api/v1/system/health/comprehensive"); body["overall_status"] != "unhealthy" {
		t.Fatalf("comprehensive while down: %v", body)
	}
	if err := os.Rename(path+".moved", path); err != nil {
		t.Fatal(err)
	}
	if code, body := getJSON(t, srv.URL+"/api/v1/system/health/database"); code != 200 {
		t.Fatalf("after recovery: %d %v", code, body)
	}
}

// TestHealthPostgresGoneThenBack puts a TCP proxy between the server and
// PostgreSQL, cuts it, and restores it: 503 while cut, 200 after, no restart.
func TestHealthPostgresGoneThenBack(t *testing.T) {
	u := dbtest.URL(t, db.Postgres) // skips without PostgreSQL
	pu, _ := url.Parse(u.DSN)
	p := newProxy(t, pu.Host)
	pu.Host = p.addr
	d, err := db.Open(context.Background(), config.DatabaseURL{Engine: db.Postgres, DSN: pu.String()}, db.Options{PoolSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	srv := newServer(t, d)
	if code, _ := getJSON(t, srv.URL+"/api/v1/system/health/database"); code != 200 {
		t.Fatalf("before: %d", code)
	}
	p.cut()
	if code, body := getJSON(t, srv.URL+"/api/v1/system/health/database"); code != 503 || body["connected"] != false {
		t.Fatalf("while cut: %d %v", code, body)
	}
	if code, _ := getJSON(t, srv.URL+"/readyz"); code != 503 {
		t.Fatalf("readyz while cut: %d", code)
	}
	p.restore()
	if code, body := getJSON(t, srv.URL+"/api/v1/system/health/database"); code != 200 {
		t.Fatalf("after restore: %d %v", code, body)
	}
}

type proxy struct {
	t      *testing.T
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	p := &proxy{t: t, target: target}
	p.restore()
	t.Cleanup(p.cut)
	return p
}

func (p *proxy) restore() {
	addr := p.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		p.t.Fatal(err)
	}
	p.mu.Lock()
	p.ln, p.addr = ln, ln.Addr().String()
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
}

func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// writeRoute is a test route that writes a row and its audit row in one
// transaction, the way every real mutation does.
func writeRoute(d *db.DB) httpapi.Route {
	type body struct {
		Key string `json:"key"`
	}
	return httpapi.Route{Method: "POST", Path: "/api/v1/test/settings", Tag: "test", Access: httpapi.Public,
		Handle: func(w http.ResponseWriter, r *http.Request) error {
			var b body
			if err := httpapi.DecodeJSON(w, r, &b); err != nil {
				return err
			}
			return audit.Do(r.Context(), d, audit.Entry{Action: "test.write"}, func(q db.Querier, e *audit.Entry) error {
				now := db.Now()
				_, err := q.Exec(r.Context(), "INSERT INTO system_settings (id, key, value, created_at, updated_at) VALUES (?, ?, '1', ?, ?)",
					db.NewID(), b.Key, now, now)
				if err == nil {
					w.WriteHeader(http.StatusCreated)
				}
				return err
			})
		}}
}

func TestConcurrentRequestsSQLiteNeverLocked(t *testing.T) {
	d := dbtest.New(t)
	srv := newServer(t, d, writeRoute(d))
	var wg sync.WaitGroup
	failures := make(chan string, 200)
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			var resp *http.Response
			var err error
			if i%2 == 0 {
				resp, err = http.Post(srv.URL+"/api/v1/test/settings", "application/json", strings.NewReader(fmt.Sprintf(`{"key":"k%d"}`, i)))
			} else {
				resp, err = http.Get(srv.URL + "/api/v1/system/health/database")
			}
			if err != nil {
				failures <- err.Error()
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode >= 300 || strings.Contains(string(b), "locked") {
				failures <- fmt.Sprintf("%d %s", resp.StatusCode, b)
			}
		}(i)
	}
	wg.Wait()
	close(failures)
	for f := range failures {
		t.Error(f)
	}
	var rows, audits int
	_ = d.QueryRow(context.Background(), "SELECT COUNT(*) FROM system_settings").Scan(&rows)
	_ = d.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_logs WHERE action = 'test.write'").Scan(&audits)
	if rows != 100 || audits != 100 {
		t.Fatalf("rows %d audits %d, want 100 each", rows, audits)
	}
}

func TestProblemsForUnknownRouteBadJSONAndWrongMethod(t *testing.T) {
	d := dbtest.New(t)
	srv := newServer(t, d, writeRoute(d))
	cases := []struct {
		method, path, body string
		status             int
		code               string
	}{
		{"GET", "/api/v1/no/such/route", "", 404, "route_not_found"},
		{"POST", "/api/v1/test/settings", `{"key": `, 422, "invalid_json"},
		{"POST", "/api/v1/test/settings", `{"key": 5}`, 422, "invalid_json"},
		{"POST", "/api/v1/test/settings", ``, 422, "validation_error"},
		{"DELETE", "/api/v1/system/health", "", 405, "method_not_allowed"},
		// A cross-site form post cannot claim JSON: 415 before any decoding.
		{"POST", "/api/v1/test/settings#form", `key=x`, 415, "unsupported_media_type"},
		{"POST", "/api/v1/test/settings#plain", `{"key": "x"}`, 415, "unsupported_media_type"},
	}
	for _, tc := range cases {
		path, kind, _ := strings.Cut(tc.path, "#")
		req, _ := http.NewRequest(tc.method, srv.URL+path, strings.NewReader(tc.body))
		req.Header.Set("X-Request-ID", "req-123")
		switch kind {
		case "form":
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		case "plain":
			req.Header.Set("Content-Type", "text/plain")
		default:
			req.Header.Set("Content-Type", "application/json; charset=utf-8")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var p httpapi.Problem
		_ = json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		if resp.StatusCode != tc.status || p.Code != tc.code || p.RequestID != "req-123" ||
			resp.Header.Get("Content-Type") != "application/problem+json" || resp.Header.Get("X-Request-ID") != "req-123" {
			t.Errorf("%s %s: %d %+v %v", tc.method, tc.path, resp.StatusCode, p, resp.Header)
		}
		if tc.status == 422 && len(p.Errors) == 0 {
			t.Errorf("%s %s: no field errors", tc.method, tc.path)
		}
	}
}

func TestOpenAPIAndDocsListEveryRoute(t *testing.T) {
	d := dbtest.New(t)
	cfg, _ := config.FromMap(nil)
	api := httpapi.New(httpapi.Deps{Config: cfg, DB: d, Health: health.NewRegistry(), Version: "test"})
	srv := httptest.NewServer(api.Handler())
	defer srv.Close()
	_, spec := getJSON(t, srv.URL+"/openapi.json")
	if spec["openapi"] != "3.1.0" {
		t.Fatalf("openapi version %v", spec["openapi"])
	}
	paths := spec["paths"].(map[string]any)
	resp, _ := http.Get(srv.URL + "/docs")
	html, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, rt := range api.Routes() {
		if strings.HasPrefix(rt.Path, "/api/") {
			ops, _ := paths[rt.Path].(map[string]any)
			if ops[strings.ToLower(rt.Method)] == nil {
				t.Errorf("openapi lacks %s %s", rt.Method, rt.Path)
			}
		}
		if !strings.Contains(string(html), rt.Path) {
			t.Errorf("docs page lacks %s", rt.Path)
		}
	}
}
