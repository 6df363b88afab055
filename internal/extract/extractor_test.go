package extract

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
	"github.com/curatore/curatore/internal/extract/remote"
)

// serviceServer fakes the extraction service: it answers the first
// len(statuses) calls with those statuses (0 = hang until the client
// gives up), then succeeds.
func serviceServer(t *testing.T, statuses ...int) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := int(calls.Add(1))
		io.Copy(io.Discard, r.Body) // lets the server notice the client hanging up
		if n <= len(statuses) {
			if statuses[n-1] == 0 {
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
				return
			}
			http.Error(w, "failure", statuses[n-1])
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"content_markdown": "from service", "method": "markitdown", "page_count": 1})
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func serviceEngine(url string) Engine {
	return ServiceEngine{remote.NewService(url, "", 200*time.Millisecond)}
}

// failing is an engine that always fails with err.
type failing struct {
	name string
	err  error
}

func (f failing) Name() string { return f.name }
func (f failing) Extract(context.Context, Input, format.Options) (*Result, error) {
	return nil, f.err
}

func TestExtractorFallback(t *testing.T) {
	corrupt := format.Errorf(format.CodeCorrupt, "broken")
	tests := []struct {
		name      string
		statuses  []int
		first     Engine
		wantCalls int32
		engine    string
		retries   int
		code      format.Code
	}{
		{"native fails, service answers", nil, failing{"native", corrupt}, 1, EngineService, 0, ""},
		{"5xx then success is retried", []int{503}, nil, 2, EngineService, 1, ""},
		{"4xx moves on at once", []int{400}, nil, 1, "", 0, format.CodeCorrupt},
		{"timeouts retried then fallback", []int{0, 0, 0}, nil, 3, "", 2, format.CodeCorrupt},
	}
	for _, tt := range tests {
		srv, calls := serviceServer(t, tt.statuses...)
		engines := []Engine{serviceEngine(srv.URL), failing{"native", corrupt}}
		if tt.first != nil {
			engines = []Engine{tt.first, serviceEngine(srv.URL)}
		}
		x := &Extractor{Engines: engines, Retries: 2, Backoff: time.Millisecond}
		res, err := x.Extract(context.Background(), Input{Name: "a.pdf", Data: []byte("%PDF")})
		if calls.Load() != tt.wantCalls {
			t.Errorf("%s: %d service calls, want %d", tt.name, calls.Load(), tt.wantCalls)
		}
		if tt.engine == "" {
			var f *Failure
			if !errors.As(err, &f) || len(f.Attempts) != 2 {
				t.Errorf("%s: err = %v, want a Failure with two attempts", tt.name, err)
				continue
			}
			if f.Attempts[0].Retries != tt.retries {
				t.Errorf("%s: %d retries, want %d", tt.name, f.Attempts[0].Retries, tt.retries)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if res.Engine != tt.engine || res.Markdown != "from service\n" {
			t.Errorf("%s: engine %q markdown %q", tt.name, res.Engine, res.Markdown)
		}
		last := res.Attempts[len(res.Attempts)-1]
		if !last.OK || last.Retries != tt.retries {
			t.Errorf("%s: attempts = %+v", tt.name, res.Attempts)
		}
		if tt.first != nil && (len(res.Warnings) == 0 || !strings.Contains(res.Warnings[0], "fell back")) {
			t.Errorf("%s: warnings %v should explain the fallback", tt.name, res.Warnings)
		}
	}
}

func TestExtractorFirstErrorWins(t *testing.T) {
	x := &Extractor{Engines: []Engine{
		failing{"native", format.Errorf(format.CodeEncrypted, "locked")},
		failing{"docling", errors.New("down")},
	}}
	_, err := x.Extract(context.Background(), Input{Name: "a.pdf"})
	if format.CodeOf(err) != format.CodeEncrypted || !strings.Contains(err.Error(), "fallback docling") {
		t.Errorf("err = %v, want the native code with the fallback noted", err)
	}
}

func TestNewOrder(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{Priority: "native"}, "native"},
		{Config{Priority: "auto", DoclingURL: "http://d", ServiceURL: "http://s"}, "native docling default"},
		{Config{Priority: "docling", DoclingURL: "http://d"}, "docling native"},
		{Config{Priority: "default", DoclingURL: "http://d", ServiceURL: "http://s"}, "default native docling"},
	}
	for _, tt := range tests {
		x, err := New(tt.cfg)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range x.Engines {
			names = append(names, e.Name())
		}
		if got := strings.Join(names, " "); got != tt.want {
			t.Errorf("%s: engines %q, want %q", tt.cfg.Priority, got, tt.want)
		}
	}
}

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		check   func(Config) bool
		wantErr string
	}{
		{"defaults", nil, func(c Config) bool {
			return c.Priority == "native" && c.Timeout == 120*time.Second && c.OCRLang == "eng" && c.DoclingVerifySSL
		}, ""},
		{"all set", map[string]string{
			"EXTRACTION_PRIORITY": "Docling", "DOCLING_SERVICE_URL": "http://docling:5001/", "DOCLING_TIMEOUT": "90",
			"DOCLING_VERIFY_SSL": "false", "EXTRACTION_SERVICE_URL": "https://x", "EXTRACTION_SERVICE_API_KEY": "k",
			"EXTRACTION_SERVICE_TIMEOUT": "2m", "EXTRACTION_TIMEOUT": "30s", "OCR_LANG": "eng+deu", "OCR_PSM": "6",
			"TESSERACT_PATH": "/usr/bin/tesseract",
		}, func(c Config) bool {
			return c.Priority == "docling" && c.DoclingURL == "http://docling:5001" && c.DoclingTimeout == 90*time.Second &&
				!c.DoclingVerifySSL && c.ServiceTimeout == 2*time.Minute && c.Timeout == 30*time.Second &&
				c.OCRLang == "eng+deu" && c.OCRPSM == 6 && c.ServiceAPIKey == "k"
		}, ""},
		{"alias", map[string]string{"CONTENT_EXTRACTOR": "auto"}, func(c Config) bool { return c.Priority == "auto" }, ""},
		{"bad priority", map[string]string{"EXTRACTION_PRIORITY": "magic"}, nil, "EXTRACTION_PRIORITY"},
		{"docling without url", map[string]string{"EXTRACTION_PRIORITY": "docling"}, nil, "DOCLING_SERVICE_URL"},
		{"bad timeout", map[string]string{"EXTRACTION_TIMEOUT": "soon"}, nil, "EXTRACTION_TIMEOUT"},
		{"negative timeout", map[string]string{"DOCLING_TIMEOUT": "-5"}, nil, "DOCLING_TIMEOUT"},
		{"bad bool", map[string]string{"DOCLING_VERIFY_SSL": "maybe"}, nil, "DOCLING_VERIFY_SSL"},
		{"bad psm", map[string]string{"OCR_PSM": "42"}, nil, "OCR_PSM"},
		{"bad url", map[string]string{"EXTRACTION_SERVICE_URL": "ftp://x"}, nil, "EXTRACTION_SERVICE_URL"},
	}
	for _, tt := range tests {
		c, err := ConfigFromEnv(func(k string) string { return tt.env[k] })
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: err = %v, want mention of %s", tt.name, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !tt.check(c) {
			t.Errorf("%s: config %+v, err %v", tt.name, c, err)
		}
	}
}

func TestExtractorHealth(t *testing.T) {
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer up.Close()
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "sick", http.StatusServiceUnavailable)
	}))
	defer down.Close()
	x, err := New(Config{Priority: "auto", DoclingURL: up.URL, ServiceURL: down.URL})
	if err != nil {
		t.Fatal(err)
	}
	got := x.Health(context.Background())
	if len(got) != 1 || got[EngineService] == nil {
		t.Errorf("Health = %v, want only the service down", got)
	}
}

func TestPrefer(t *testing.T) {
	x := &Extractor{Engines: []Engine{Native{}, namedEngine("docling"), namedEngine("default")}}
	y, err := x.Prefer("default")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range y.Engines {
		names = append(names, e.Name())
	}
	if strings.Join(names, ",") != "default,native,docling" || x.Engines[0].Name() != "native" {
		t.Errorf("order %v (original %v)", names, x.Engines[0].Name())
	}
	if _, err := x.Prefer("nope"); format.CodeOf(err) != format.CodeEngineUnavailable {
		t.Errorf("unknown engine: %v", err)
	}
}

// namedEngine is an engine that only has a name.
type namedEngine string

func (n namedEngine) Name() string { return string(n) }
func (namedEngine) Extract(context.Context, Input, format.Options) (*Result, error) {
	return nil, format.Errorf(format.CodeCorrupt, "never")
}
