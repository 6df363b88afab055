package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExtractCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	page := write("page.html", "<h1>Hi</h1><p>there</p>")
	notes := write("notes.txt", "plain words")
	empty := write("empty.txt", "")
	t.Setenv("EXTRACTION_PRIORITY", "")
	t.Setenv("CONTENT_EXTRACTOR", "")

	tests := []struct {
		name     string
		args     []string
		status   int
		contains []string
		stderr   string
	}{
		{"one file", []string{page}, 0, []string{"# Hi\n\nthere\n"}, ""},
		{"several files", []string{page, notes}, 0, []string{"<!-- curatore: " + page + " -->", "plain words"}, ""},
		{"json after the file", []string{notes, "--format", "json"}, 0, []string{`"engine":"native"`, `"duration_ms"`, `"chars":12`}, ""},
		{"failure", []string{empty}, 1, nil, "empty"},
		{"missing file", []string{filepath.Join(dir, "nope.pdf")}, 1, nil, "no such file"},
		{"bad format", []string{"--format", "xml", page}, 2, nil, "--format"},
		{"bad engine", []string{"--engine", "magic", page}, 2, nil, "EXTRACTION_PRIORITY"},
		{"no files", nil, 2, nil, "no FILE"},
		{"help", []string{"--help"}, 0, []string{"Usage: curatore extract"}, ""},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		status := runMain(append([]string{"extract"}, tt.args...), &out, &errb)
		if status != tt.status {
			t.Errorf("%s: status %d, want %d (stderr %q)", tt.name, status, tt.status, errb.String())
		}
		for _, c := range tt.contains {
			if !strings.Contains(out.String(), c) {
				t.Errorf("%s: stdout %q lacks %q", tt.name, out.String(), c)
			}
		}
		if tt.stderr != "" && !strings.Contains(errb.String(), tt.stderr) {
			t.Errorf("%s: stderr %q lacks %q", tt.name, errb.String(), tt.stderr)
		}
		if tt.status == 1 && strings.Count(strings.TrimSpace(errb.String()), "\n") != 0 {
			t.Errorf("%s: error should be one line: %q", tt.name, errb.String())
		}
	}
}

func TestExtractJSONIsValid(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.md")
	os.WriteFile(p, []byte("# T\n\ntext"), 0o600)
	var out, errb bytes.Buffer
	if status := runMain([]string{"extract", "--format=json", p}, &out, &errb); status != 0 {
		t.Fatalf("status %d: %s", status, errb.String())
	}
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatalf("invalid JSON %q: %v", out.String(), err)
	}
	if m["file"] != p || m["markdown"] != "# T\n\ntext\n" || m["method"] != "markdown" {
		t.Errorf("JSON = %v", m)
	}
}

// TestExtractWithDocling runs the command against a loopback server that
// speaks Docling Serve's API.
func TestExtractWithDocling(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/convert/file" {
			http.NotFound(w, r)
			return
		}
		io.WriteString(w, `{"document":{"md_content":"# From Docling\n"},"status":"success","errors":[]}`)
	}))
	defer srv.Close()
	t.Setenv("DOCLING_SERVICE_URL", srv.URL)
	p := filepath.Join(t.TempDir(), "a.txt")
	os.WriteFile(p, []byte("local text"), 0o600)
	var out, errb bytes.Buffer
	if status := runMain([]string{"extract", "--engine", "docling", "--format", "json", p}, &out, &errb); status != 0 {
		t.Fatalf("status %d: %s", status, errb.String())
	}
	var m map[string]any
	json.Unmarshal(out.Bytes(), &m)
	if m["engine"] != "docling" || m["markdown"] != "# From Docling\n" {
		t.Errorf("JSON = %v", m)
	}
}

// TestExtractManyInOrder converts many files at once (they run
// concurrently) and expects them printed in the order given, with the
// failing one reported and the others unaffected.
func TestExtractManyInOrder(t *testing.T) {
	dir := t.TempDir()
	var args, want []string
	for i := range 24 {
		p := filepath.Join(dir, fmt.Sprintf("f%02d.txt", i))
		content := fmt.Sprintf("file number %d says %s", i, strings.Repeat("x", i*500))
		if i == 13 {
			content = "" // empty: fails
		} else {
			want = append(want, fmt.Sprintf("<!-- curatore: %s -->\n\nfile number %d says", p, i))
		}
		os.WriteFile(p, []byte(content), 0o600)
		args = append(args, p)
	}
	var out, errb bytes.Buffer
	if status := runMain(append([]string{"extract"}, args...), &out, &errb); status != 1 {
		t.Fatalf("status %d, want 1 (one file fails): %s", status, errb.String())
	}
	rest := out.String()
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Fatalf("%q missing or out of order", w)
		}
		rest = rest[i+len(w):]
	}
	if !strings.Contains(errb.String(), "f13.txt") || strings.Count(errb.String(), "\n") != 1 {
		t.Errorf("stderr %q, want one line about f13.txt", errb.String())
	}
}
