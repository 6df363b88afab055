// Package connectiontest has fakes, on loopback, of the extraction
// services a connection can name: Docling Serve (GET /health, POST
// /v1/convert/file) and the reference extraction service (GET
// /api/v1/system/health, POST /api/v1/extract). They speak the real wire
// protocols, so the real clients in internal/extract/remote run against
// them, and they record the API keys they received.
package connectiontest

import (
	"encoding/json"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// Mode is how a fake misbehaves.
type Mode int

// The modes.
const (
	OK        Mode = iota
	Malformed      // conversions answer 200 with a body that is not JSON
	Hang           // conversions and health never answer (until the test ends)
)

// Server is a fake extraction service.
type Server struct {
	srv  *httptest.Server
	done chan struct{}

	mu   sync.Mutex
	key  string
	mode Mode
	keys []string
}

// NewDocling starts a fake Docling Serve; key, when set, is the X-Api-Key
// it requires.
func NewDocling(t testing.TB, key string) *Server { return start(t, key, false, docling) }

// NewDoclingTLS is NewDocling behind a self-signed certificate.
func NewDoclingTLS(t testing.TB, key string) *Server { return start(t, key, true, docling) }

// NewService starts a fake reference extraction service; key, when set, is
// the bearer token it requires.
func NewService(t testing.TB, key string) *Server { return start(t, key, false, service) }

func start(t testing.TB, key string, tls bool, routes func(*Server, *http.ServeMux)) *Server {
	s := &Server{key: key, done: make(chan struct{})}
	mux := http.NewServeMux()
	routes(s, mux)
	s.srv = httptest.NewUnstartedServer(mux)
	s.srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	if tls {
		s.srv.StartTLS()
	} else {
		s.srv.Start()
	}
	t.Cleanup(func() { close(s.done); s.srv.Close() })
	return s
}

// URL is the service URL.
func (s *Server) URL() string { return s.srv.URL }

// SetMode changes how the fake answers.
func (s *Server) SetMode(m Mode) { s.mu.Lock(); s.mode = m; s.mu.Unlock() }

// Keys lists the API keys received, in order ("" for none).
func (s *Server) Keys() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.keys...)
}

// gate records the key, applies the mode and checks the key; false means
// it has answered.
func (s *Server) gate(w http.ResponseWriter, r *http.Request, key string, convert bool) bool {
	s.mu.Lock()
	s.keys = append(s.keys, key)
	want, mode := s.key, s.mode
	s.mu.Unlock()
	if mode == Hang {
		select {
		case <-r.Context().Done():
		case <-s.done:
		case <-time.After(time.Hour):
		}
		return false
	}
	if want != "" && key != want {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"detail": "Invalid API key"})
		return false
	}
	if convert && mode == Malformed {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, "<html>502 Bad Gateway</html>")
		return false
	}
	return true
}

func docling(s *Server, mux *http.ServeMux) {
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {
		if s.gate(w, r, r.Header.Get("X-Api-Key"), false) {
			writeJSON(w, http.StatusOK, map[string]any{"status": "ok"})
		}
	})
	mux.HandleFunc("POST /v1/convert/file", func(w http.ResponseWriter, r *http.Request) {
		if !s.gate(w, r, r.Header.Get("X-Api-Key"), true) {
			return
		}
		name, text, ok := readFile(w, r, "files")
		if !ok {
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"status": "success", "errors": []any{}, "processing_time": 0.01,
			"document": map[string]any{"filename": name, "md_content": "# Converted\n\n" + text}})
	})
}

func service(s *Server, mux *http.ServeMux) {
	bearer := func(r *http.Request) string { return strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ") }
	mux.HandleFunc("GET /api/v1/system/health", func(w http.ResponseWriter, r *http.Request) {
		if s.gate(w, r, bearer(r), false) {
			writeJSON(w, http.StatusOK, map[string]any{"status": "ok", "service": "extraction-service"})
		}
	})
	mux.HandleFunc("POST /api/v1/extract", func(w http.ResponseWriter, r *http.Request) {
		if !s.gate(w, r, bearer(r), true) {
			return
		}
		name, text, ok := readFile(w, r, "file")
		if !ok {
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"filename": name, "content_markdown": "# Converted\n\n" + text,
			"content_chars": len(text), "method": "markitdown", "ocr_used": false, "page_count": 1})
	})
}

// readFile reads the uploaded part and crudely strips its tags.
func readFile(w http.ResponseWriter, r *http.Request, field string) (string, string, bool) {
	f, hdr, err := r.FormFile(field)
	if err != nil {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"detail": "missing file part " + field})
		return "", "", false
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	var out strings.Builder
	inTag := false
	for _, c := range string(b) {
		switch {
		case c == '<':
			inTag = true
		case c == '>':
			inTag = false
			out.WriteByte(' ')
		case !inTag:
			out.WriteRune(c)
		}
	}
	return hdr.Filename, strings.Join(strings.Fields(out.String()), " "), true
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
