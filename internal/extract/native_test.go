package extract

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/extract/format"
)

// withConverter replaces the converter of kind for one test.
func withConverter(t *testing.T, kind string, c converter) {
	t.Helper()
	old := converters[kind]
	converters[kind] = c
	t.Cleanup(func() { converters[kind] = old })
}

func TestNativeErrors(t *testing.T) {
	withConverter(t, kindMD, func(context.Context, []byte, string, format.Options) (format.Output, error) {
		var m map[string]int
		m["boom"]++ // a converter bug: must become a corrupt error, not a crash
		return format.Output{}, nil
	})
	withConverter(t, kindCSV, func(ctx context.Context, _ []byte, _ string, _ format.Options) (format.Output, error) {
		select {} // a converter ignoring its context
	})
	tests := []struct {
		name string
		in   Input
		n    Native
		code format.Code
	}{
		{"empty", Input{Name: "a.txt"}, Native{}, format.CodeEmpty},
		{"too large", Input{Name: "a.txt", Data: []byte("0123456789")}, Native{MaxSize: 5}, format.CodeTooLarge},
		{"panic", Input{Name: "a.md", Data: []byte("# x")}, Native{}, format.CodeCorrupt},
		{"stuck converter", Input{Name: "a.csv", Data: []byte("a,b")}, Native{}, format.CodeTimeout},
		{"unsupported", Input{Name: "a.exe", Data: []byte("MZ\x90\x00\x03")}, Native{}, format.CodeUnsupported},
		{"blank text", Input{Name: "a.txt", Data: []byte("\n\n \n")}, Native{}, format.CodeEmpty},
	}
	for _, tt := range tests {
		_, err := tt.n.Extract(context.Background(), tt.in, format.Options{Timeout: 50 * time.Millisecond})
		if format.CodeOf(err) != tt.code {
			t.Errorf("%s: err = %v, want code %s", tt.name, err, tt.code)
		}
	}
}

func TestNativeConverts(t *testing.T) {
	tests := []struct {
		name   string
		in     Input
		want   string
		method string
		warn   string
	}{
		{"text", Input{Name: "a.txt", Data: []byte("Hello\r\nworld")}, "Hello\nworld\n", "text", ""},
		{"cp1252 text", Input{Name: "a.txt", Data: []byte("caf\xe9")}, "café\n", "text", "windows-1252"},
		{"declared latin2 text", Input{Name: "a.txt", ContentType: "text/plain; charset=iso-8859-2", Data: []byte("\xb3\xf3d\xbc")}, "łódź\n", "text", ""},
		{"markdown", Input{Name: "a.md", Data: []byte("# T\n\n\n\nx  \n")}, "# T\n\nx\n", "markdown", ""},
		{"html", Input{Name: "a.html", Data: []byte("<h1>T</h1><script>x()</script><p>a <b>b</b></p>")}, "# T\n\na **b**\n", "html", ""},
		{"html named txt", Input{Name: "a.txt", Data: []byte("<!doctype html><title>t</title><p>x</p>")}, "x\n", "html", "is html"},
	}
	for _, tt := range tests {
		res, err := Native{}.Extract(context.Background(), tt.in, format.Options{})
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if res.Markdown != tt.want || res.Method != tt.method || res.Engine != "native" || res.Chars != len([]rune(tt.want)) {
			t.Errorf("%s: got %q method %q engine %q chars %d", tt.name, res.Markdown, res.Method, res.Engine, res.Chars)
		}
		if tt.warn != "" && !strings.Contains(strings.Join(res.Warnings, " "), tt.warn) {
			t.Errorf("%s: warnings %v lack %q", tt.name, res.Warnings, tt.warn)
		}
	}
}

func TestResultJSON(t *testing.T) {
	r := Result{Markdown: "x", Engine: "native", Method: "text", Chars: 1, Duration: 1500 * time.Millisecond,
		Attempts: []Attempt{{Engine: "native", OK: true, Duration: time.Second}}}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	json.Unmarshal(b, &m)
	for _, k := range []string{"engine", "method", "page_count", "ocr_used", "chars", "warnings", "duration_ms", "attempts"} {
		if _, ok := m[k]; !ok {
			t.Errorf("JSON lacks %q: %s", k, b)
		}
	}
	if m["duration_ms"] != 1500.0 {
		t.Errorf("duration_ms = %v, want 1500", m["duration_ms"])
	}
}
