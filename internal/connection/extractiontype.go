package connection

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/extract"
	"github.com/curatore/curatore/internal/extract/remote"
	"github.com/curatore/curatore/internal/netguard"
)

// The extraction engines a connection can name.
const (
	EngineDocling = "docling"
	EngineService = "curatore-extraction"
)

// Extraction is an external conversion service: Docling Serve or the
// reference system's extraction service.
type Extraction struct{}

// Name returns "extraction".
func (Extraction) Name() string { return "extraction" }

// DisplayName is shown in the UI.
func (Extraction) DisplayName() string { return "Extraction Service" }

// Description is shown in the UI.
func (Extraction) Description() string {
	return "An external document conversion service: Docling Serve or the Curatore extraction service"
}

// Fields are the extraction configuration.
func (Extraction) Fields() []Field {
	tmin, tmax := rng(1, 3600)
	return []Field{
		{Name: "engine", Title: "Engine", Kind: String, Enum: []string{EngineDocling, EngineService}, Default: EngineDocling},
		{Name: "service_url", Title: "Service URL", Kind: String, Format: "uri", Required: true},
		{Name: "api_key", Title: "API key", Kind: String, Secret: true, MaxLength: 4096,
			Description: "Docling Serve: X-Api-Key; extraction service: bearer token"},
		{Name: "timeout", Title: "Timeout (s)", Kind: Integer, Default: 300, Min: tmin, Max: tmax},
		{Name: "verify_ssl", Title: "Verify TLS certificate", Kind: Boolean, Default: true},
	}
}

// Example is a valid configuration.
func (Extraction) Example() map[string]any {
	return map[string]any{"engine": EngineDocling, "service_url": "http://docling:5001", "timeout": 300, "verify_ssl": true}
}

// Check has nothing beyond the schema.
func (Extraction) Check(Values) apperr.Fields { return nil }

// extractionEngine builds the engine the values describe; calls go through
// guard.
func extractionEngine(v Values, guard netguard.Policy) extract.Engine {
	hc := guard.Client(!v.Bool("verify_ssl"))
	timeout := time.Duration(v.Int("timeout")) * time.Second
	if v.String("engine") == EngineService {
		s := remote.NewService(v.String("service_url"), v.String("api_key"), timeout)
		s.Client, s.HealthPath = hc, "/api/v1/system/health"
		return extract.ServiceEngine{Client: s}
	}
	d := remote.NewDocling(v.String("service_url"), timeout, v.Bool("verify_ssl"))
	d.Client, d.APIKey = hc, v.String("api_key")
	return extract.DoclingEngine{Client: d}
}

// sample is the tiny document every test converts.
var sample = extract.Input{Name: "curatore-connection-test.html", ContentType: "text/html",
	Data: []byte("<html><body><h1>Curatore connection test</h1><p>If you can read this, conversion works.</p></body></html>")}

// Test probes the health endpoint, then converts a tiny sample.
func (Extraction) Test(ctx context.Context, env TestEnv, v Values) TestResult {
	engine := extractionEngine(v, env.Guard)
	details := map[string]any{"engine": v.String("engine"), "url": v.String("service_url")}
	timeout := time.Duration(v.Int("timeout")) * time.Second
	h := engine.(interface{ Health(context.Context) error })
	if err := h.Health(ctx); err != nil {
		return extractionFailure("health check failed", err, timeout, details)
	}
	details["health"] = "ok"
	start := time.Now()
	cctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	res, err := engine.Extract(cctx, sample, extract.DefaultConfig().Options())
	details["convert_latency_ms"] = time.Since(start).Milliseconds()
	if err != nil {
		return extractionFailure("healthy, but converting a sample failed", err, timeout, details)
	}
	details["sample_chars"] = len(res.Markdown)
	return ok(fmt.Sprintf("%s answered and converted a sample (%d characters)", v.String("engine"), len(res.Markdown)), details)
}

func extractionFailure(what string, err error, timeout time.Duration, details map[string]any) TestResult {
	if msg, known := describe(err, timeout); known {
		return failed(what+": "+msg, err.Error(), details)
	}
	var re *remote.Error
	if errors.As(err, &re) {
		switch {
		case re.Msg == "unreadable answer":
			return failed(what+": the answer is not the service's JSON", err.Error(), details)
		case re.Status == 401 || re.Status == 403:
			return failed(fmt.Sprintf("%s: the API key was rejected (HTTP %d)", what, re.Status), err.Error(), details)
		case re.Status != 0:
			return failed(fmt.Sprintf("%s: the service answered HTTP %d", what, re.Status), err.Error(), details)
		}
	}
	return failed(what, err.Error(), details)
}
