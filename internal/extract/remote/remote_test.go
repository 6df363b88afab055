package remote

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/extract/format"
	"github.com/curatore/curatore/internal/netguard"
)

// fakeDocling speaks Docling Serve's v1 API. fail answers the first n
// conversion requests with status.
type fakeDocling struct {
	failN  int32
	status int
	calls  atomic.Int32
	polls  atomic.Int32
}

func (f *fakeDocling) handler(t *testing.T) http.Handler {
	mux := http.NewServeMux()
	convert := func(w http.ResponseWriter, r *http.Request) bool {
		if n := f.calls.Add(1); n <= f.failN {
			http.Error(w, `{"detail":"busy"}`, f.status)
			return false
		}
		if err := r.ParseMultipartForm(10 << 20); err != nil {
			t.Errorf("multipart: %v", err)
		}
		file, hdr, err := r.FormFile("files")
		if err != nil {
			t.Errorf("no files part: %v", err)
			return false
		}
		body, _ := io.ReadAll(file)
		if r.FormValue("to_formats") != "md" || r.FormValue("image_export_mode") != "placeholder" || r.FormValue("do_ocr") != "true" {
			t.Errorf("options = %v", r.MultipartForm.Value)
		}
		if hdr.Filename != "doc.pdf" || string(body) != "%PDF-1.7 data" {
			t.Errorf("file = %q %q", hdr.Filename, body)
		}
		return true
	}
	mux.HandleFunc("POST /v1/convert/file", func(w http.ResponseWriter, r *http.Request) {
		if convert(w, r) {
			writeDoclingResult(w)
		}
	})
	mux.HandleFunc("POST /v1/convert/file/async", func(w http.ResponseWriter, r *http.Request) {
		if convert(w, r) {
			json.NewEncoder(w).Encode(map[string]any{"task_id": "t-1", "task_status": "pending"})
		}
	})
	mux.HandleFunc("GET /v1/status/poll/{id}", func(w http.ResponseWriter, r *http.Request) {
		status := "started"
		if f.polls.Add(1) >= 3 {
			status = "success"
		}
		json.NewEncoder(w).Encode(map[string]any{"task_id": r.PathValue("id"), "task_status": status})
	})
	mux.HandleFunc("GET /v1/result/t-1", func(w http.ResponseWriter, r *http.Request) { writeDoclingResult(w) })
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"status":"ok"}`) })
	return mux
}

func writeDoclingResult(w http.ResponseWriter) {
	json.NewEncoder(w).Encode(map[string]any{
		"document": map[string]any{"filename": "doc.pdf", "md_content": "# Title\n\nText."},
		"status":   "success", "errors": []any{}, "processing_time": 0.1,
	})
}

func TestDoclingSync(t *testing.T) {
	f := &fakeDocling{}
	srv := httptest.NewServer(f.handler(t))
	defer srv.Close()
	d := NewDocling(srv.URL, 5*time.Second, true)
	res, err := d.Convert(context.Background(), "doc.pdf", []byte("%PDF-1.7 data"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Markdown != "# Title\n\nText." || res.Method != "docling" {
		t.Errorf("result = %+v", res)
	}
	if err := d.Health(context.Background()); err != nil {
		t.Errorf("health: %v", err)
	}
}

func TestDoclingAsyncPolls(t *testing.T) {
	f := &fakeDocling{}
	srv := httptest.NewServer(f.handler(t))
	defer srv.Close()
	d := NewDocling(srv.URL, 5*time.Second, true)
	d.AsyncAbove, d.PollInterval = -1, time.Millisecond
	res, err := d.Convert(context.Background(), "doc.pdf", []byte("%PDF-1.7 data"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Markdown == "" || f.polls.Load() != 3 {
		t.Errorf("markdown %q after %d polls, want 3 polls", res.Markdown, f.polls.Load())
	}
}

func TestDoclingErrors(t *testing.T) {
	tests := []struct {
		status    int
		transient bool
	}{
		{http.StatusServiceUnavailable, true},
		{http.StatusInternalServerError, true},
		{http.StatusTooManyRequests, true},
		{http.StatusBadRequest, false},
		{http.StatusUnsupportedMediaType, false},
	}
	for _, tt := range tests {
		f := &fakeDocling{failN: 1, status: tt.status}
		srv := httptest.NewServer(f.handler(t))
		_, err := NewDocling(srv.URL, 5*time.Second, true).Convert(context.Background(), "doc.pdf", []byte("%PDF-1.7 data"))
		srv.Close()
		var re *Error
		if !errors.As(err, &re) || re.Status != tt.status || re.Temporary() != tt.transient {
			t.Errorf("status %d: err = %#v, want transient=%v", tt.status, err, tt.transient)
		}
	}
}

func TestConnectionRefusedIsTransient(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	_, err := NewService(url, "", time.Second).Convert(context.Background(), "a.txt", []byte("x"))
	var re *Error
	if !errors.As(err, &re) || !re.Temporary() {
		t.Errorf("err = %v, want a transient error", err)
	}
}

func TestTimeout(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	_, err := NewService(srv.URL, "", 50*time.Millisecond).Convert(context.Background(), "a.txt", []byte("x"))
	var re *Error
	if !errors.As(err, &re) || !re.Temporary() || re.Code != format.CodeTimeout {
		t.Errorf("err = %v, want a transient timeout", err)
	}
}

func TestService(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/extract", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer k3y" {
			http.Error(w, "no", http.StatusUnauthorized)
			return
		}
		file, hdr, err := r.FormFile("file")
		if err != nil {
			t.Errorf("no file part: %v", err)
			return
		}
		body, _ := io.ReadAll(file)
		if strings.Contains(string(body), "empty") {
			http.Error(w, `{"detail":"no text"}`, http.StatusUnprocessableEntity)
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"filename": hdr.Filename, "content_markdown": "Hello",
			"content_chars": 5, "method": "pdfminer", "ocr_used": true, "page_count": 2,
			"media_type": "application/pdf", "metadata": map[string]any{}})
	})
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, r *http.Request) {})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	s := NewService(srv.URL, "k3y", 5*time.Second)
	res, err := s.Convert(context.Background(), "a.pdf", []byte("data"))
	if err != nil {
		t.Fatal(err)
	}
	if res.Markdown != "Hello" || res.Method != "pdfminer" || !res.OCRUsed || res.PageCount != 2 {
		t.Errorf("result = %+v", res)
	}
	var re *Error
	if _, err := s.Convert(context.Background(), "a.pdf", []byte("empty")); !errors.As(err, &re) || re.Code != format.CodeEmpty || re.Temporary() {
		t.Errorf("422: err = %v, want permanent empty", err)
	}
	if _, err := NewService(srv.URL, "wrong", time.Second).Convert(context.Background(), "a.pdf", []byte("x")); !errors.As(err, &re) || re.Status != 401 || re.Temporary() {
		t.Errorf("401: err = %v, want permanent", err)
	}
	if err := s.Health(context.Background()); err != nil {
		t.Errorf("health: %v", err)
	}
}

func TestVerifyTLS(t *testing.T) {
	f := &fakeDocling{}
	srv := httptest.NewTLSServer(f.handler(t))
	defer srv.Close()
	_, err := NewDocling(srv.URL, 5*time.Second, true).Convert(context.Background(), "doc.pdf", []byte("%PDF-1.7 data"))
	var re *Error
	if !errors.As(err, &re) || re.Temporary() {
		t.Errorf("self-signed certificate with verification: err = %v, want a permanent error", err)
	}
	if _, err := NewDocling(srv.URL, 5*time.Second, false).Convert(context.Background(), "doc.pdf", []byte("%PDF-1.7 data")); err != nil {
		t.Errorf("without verification: %v", err)
	}
}

// TestRefusedAddressIsPermanent: an address the network guard refuses is
// refused again on every retry, so it must not count as transient.
func TestRefusedAddressIsPermanent(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	d := NewDocling(srv.URL, time.Second, true)
	d.Client = netguard.Policy{}.Client(false)
	_, err := d.Convert(context.Background(), "doc.pdf", []byte("%PDF-1.7 data"))
	var re *Error
	if !errors.As(err, &re) || re.Temporary() {
		t.Fatalf("err = %#v, want a permanent *Error", err)
	}
	if !strings.Contains(re.Error(), "address not allowed") || !strings.Contains(re.Error(), "127.0.0.1") {
		t.Errorf("message = %q, want it to name the refused address", re.Error())
	}
	if !errors.Is(err, netguard.ErrRefused) {
		t.Errorf("err does not wrap netguard.ErrRefused: %v", err)
	}
}
