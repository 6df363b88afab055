package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
)

// TestMain lets the crash test start this test binary as `curatore serve`.
func TestMain(m *testing.M) {
	if os.Getenv("CURATORE_CRASH_SERVE") == "1" {
		os.Exit(runMain([]string{"serve"}, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// server is a `curatore serve` subprocess.
type server struct {
	cmd  *exec.Cmd
	base string
}

func startServer(t *testing.T, env []string, logPath string) *server {
	t.Helper()
	log, err := os.OpenFile(logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env, cmd.Stdout, cmd.Stderr = env, log, log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var addr string
	for _, e := range env {
		if v, ok := strings.CutPrefix(e, "CURATORE_ADDR="); ok {
			addr = v
		}
	}
	s := &server{cmd: cmd, base: "http://" + addr}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(s.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s
			}
		}
	}
	_ = cmd.Process.Kill()
	b, _ := os.ReadFile(logPath)
	t.Fatalf("server did not become ready:\n%s", b)
	return nil
}

func (s *server) call(t *testing.T, method, path string, body io.Reader, ctype string, out any) int {
	t.Helper()
	req, _ := http.NewRequest(method, s.base+path, body)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if out != nil {
		_ = json.Unmarshal(b, out)
	}
	return resp.StatusCode
}

// crashInputs returns n documents: the PDFs of the extraction corpus in
// turn when it is present (a few hundred ms of work each), else generated
// Markdown.
func crashInputs(n int) (names []string, data [][]byte) {
	corpus := os.Getenv("CURATORE_CORPUS")
	if corpus == "" {
		corpus = "/work/shared/testdata/extraction"
	}
	pdfs, _ := filepath.Glob(filepath.Join(corpus, "pdf", "*.pdf"))
	for i := 0; i < n; i++ {
		if len(pdfs) > 0 {
			b, err := os.ReadFile(pdfs[i%len(pdfs)])
			if err == nil {
				names, data = append(names, fmt.Sprintf("doc-%02d.pdf", i)), append(data, b)
				continue
			}
		}
		md := fmt.Sprintf("# Document %d\n\n%s", i, strings.Repeat(fmt.Sprintf("Line %d of a long text.\n\n", i), 20000))
		names, data = append(names, fmt.Sprintf("doc-%02d.md", i)), append(data, []byte(md))
	}
	return names, data
}

// TestCrashRecovery starts `curatore serve`, queues 50 jobs, kills the
// process with SIGKILL while jobs run, starts it again, and checks that
// every job ends exactly once with a result and no upload was lost.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: subprocesses and a restart")
	}
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) { crashRecovery(t, engine) })
	}
}

func crashRecovery(t *testing.T, engine db.Engine) {
	dir := t.TempDir()
	dbURL := "sqlite:///" + filepath.Join(dir, "crash.db")
	if engine == db.Postgres {
		dbURL = dbtest.URL(t, db.Postgres).DSN
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	env := append(os.Environ(), "CURATORE_CRASH_SERVE=1", "ENABLE_AUTH=false", "DATABASE_URL="+dbURL,
		"FILES_ROOT="+filepath.Join(dir, "files"), "WORKER_CONCURRENCY=2", "JOB_TIMEOUT=5", "CURATORE_ADDR="+addr,
		"LOG_FORMAT=text", "CURATORE_SECRET_KEY="+strings.Repeat("ab", 32)) // PostgreSQL needs an explicit key
	logPath := filepath.Join(dir, "serve.log")
	s := startServer(t, env, logPath)
	names, data := crashInputs(50)
	ids := make([]string, len(names))
	for i := range names {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		w, _ := mw.CreateFormFile("file", names[i])
		_, _ = w.Write(data[i])
		mw.Close()
		var doc map[string]any
		if st := s.call(t, "POST", "/api/v1/documents/upload?duplicate=true", &b, mw.FormDataContentType(), &doc); st != http.StatusOK {
			t.Fatalf("upload %d: %d %v", i, st, doc)
		}
		ids[i] = doc["document_id"].(string)
	}
	body, _ := json.Marshal(map[string]any{"document_ids": ids, "options": map[string]any{"auto_optimize": false}})
	var batch map[string]any
	if st := s.call(t, "POST", "/api/v1/documents/batch/process", bytes.NewReader(body), "application/json", &batch); st != http.StatusAccepted {
		t.Fatalf("batch: %d %v", st, batch)
	}
	batchID := batch["batch_id"].(string)
	counts := func(srv *server) map[string]any {
		var b map[string]any
		srv.call(t, "GET", "/api/v1/batches/"+batchID, nil, "", &b)
		c, _ := b["counts"].(map[string]any)
		return c
	}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		c := counts(s)
		if c["completed"].(float64) >= 3 && c["running"].(float64) > 0 {
			t.Logf("killing the server with %v", c)
			break
		}
		if time.Now().After(deadline) || c["completed"].(float64) >= 50 {
			t.Fatalf("no moment with jobs running: %v", c)
		}
	}
	if err := s.cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	_ = s.cmd.Wait()
	s = startServer(t, env, logPath)
	defer func() {
		_ = s.cmd.Process.Signal(os.Interrupt)
		_ = s.cmd.Wait()
	}()
	for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		c := counts(s)
		if c["queued"].(float64)+c["running"].(float64) == 0 {
			if c["completed"].(float64) != 50 {
				t.Fatalf("after the restart: %v, want 50 completed", c)
			}
			break
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(logPath)
			t.Fatalf("jobs did not finish after the restart: %v\n%s", c, tail(b, 4000))
		}
	}
	for i, id := range ids {
		var res map[string]any
		if st := s.call(t, "GET", "/api/v1/documents/"+id+"/results", nil, "", &res); st != http.StatusOK || res["total"].(float64) != 1 {
			t.Errorf("document %d: %d results (status %d), want exactly 1", i, res["total"], st)
		}
		req, _ := http.NewRequest("GET", s.base+"/api/v1/documents/"+id+"/source", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !bytes.Equal(got, data[i]) {
			t.Errorf("document %d: the stored upload differs (%d bytes, want %d)", i, len(got), len(data[i]))
		}
	}
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
