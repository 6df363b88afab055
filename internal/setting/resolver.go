package setting

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/extract/format"
	"github.com/curatore/curatore/internal/pipeline"
)

// EnvLookup finds an environment variable; ok is false when it is not set.
// config.Config.Env is one (the process environment over .env).
type EnvLookup = func(name string) (value string, ok bool)

// Resolver answers the effective settings for an organization and user.
// It is safe for concurrent use; background jobs use it with the ids their
// job carries.
type Resolver struct {
	db  *db.DB
	env map[string]any // setting key → value pinned by its environment variable
}

// NewResolver reads the environment variables the catalogue names (once:
// the environment does not change while running) and refuses invalid ones,
// listing every problem.
func NewResolver(d *db.DB, env EnvLookup) (*Resolver, error) {
	r := &Resolver{db: d, env: map[string]any{}}
	var errs []error
	for _, def := range catalogue {
		if def.Env == "" || env == nil {
			continue
		}
		raw, ok := env(def.Env)
		if !ok || raw == "" {
			continue
		}
		v, err := def.ParseEnv(raw)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		r.env[def.Key] = v
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("settings from the environment: %w", err)
	}
	return r, nil
}

// Effective resolves every setting for orgID and userID (either may be
// empty: that layer is skipped). Precedence: ENV > user > org > system >
// default.
func (r *Resolver) Effective(ctx context.Context, orgID, userID string) (Values, error) {
	layers, err := r.layers(ctx, r.db, orgID, userID)
	if err != nil {
		return Values{}, err
	}
	return r.resolve(layers), nil
}

// storedLayers are the flat values of the three stored layers.
type storedLayers struct {
	system, org, user map[string]any
}

func (r *Resolver) layers(ctx context.Context, q db.Querier, orgID, userID string) (storedLayers, error) {
	var l storedLayers
	var err error
	if l.system, err = loadSystem(ctx, q); err != nil {
		return l, err
	}
	if orgID != "" {
		nested, err := orgOwner.load(ctx, q, orgID)
		if err != nil {
			return l, err
		}
		l.org = Flatten(nested)
	}
	if userID != "" {
		nested, err := userOwner.load(ctx, q, userID)
		if err != nil {
			return l, err
		}
		l.user = Flatten(nested)
	}
	return l, nil
}

func (r *Resolver) resolve(l storedLayers) Values {
	out := Values{m: make(map[string]Value, len(catalogue))}
	for _, d := range catalogue {
		v := Value{Key: d.Key, Value: d.Default, Source: FromDefault}
		// Each layer may only hold what it is allowed to set (enforced on
		// write; checked again here in case rows were edited by hand).
		for _, s := range []struct {
			src   Source
			layer Layer
			vals  map[string]any
		}{{FromSystem, System, l.system}, {FromOrg, Org, l.org}, {FromUser, User, l.user}} {
			if x, ok := s.vals[d.Key]; ok && d.Settable(s.layer) {
				v.Value, v.Source = x, s.src
			}
		}
		if x, ok := r.env[d.Key]; ok {
			v.Value, v.Source = x, FromEnv
		}
		out.m[d.Key] = v
	}
	return out
}

// Value is one effective setting.
type Value struct {
	Key    string
	Value  any // int64, float64, bool or string, as the setting's Kind
	Source Source
}

// Values are every setting's effective value for one organization and user.
type Values struct {
	m map[string]Value
}

// Get returns one setting (the zero Value for an unknown key).
func (v Values) Get(key string) Value { return v.m[key] }

// All returns every setting in catalogue order.
func (v Values) All() []Value {
	out := make([]Value, 0, len(catalogue))
	for _, d := range catalogue {
		out = append(out, v.m[d.Key])
	}
	return out
}

// Int returns an Integer setting.
func (v Values) Int(key string) int64 { n, _ := v.m[key].Value.(int64); return n }

// Float returns a Number (or Integer) setting.
func (v Values) Float(key string) float64 {
	switch n := v.m[key].Value.(type) {
	case float64:
		return n
	case int64:
		return float64(n)
	}
	return 0
}

// Bool returns a Boolean setting.
func (v Values) Bool(key string) bool { b, _ := v.m[key].Value.(bool); return b }

// String returns a String setting.
func (v Values) String(key string) string { s, _ := v.m[key].Value.(string); return s }

// Thresholds are the five quality thresholds.
func (v Values) Thresholds() pipeline.Thresholds {
	return pipeline.Thresholds{
		Conversion:   v.Float("quality_thresholds.conversion"),
		Clarity:      v.Float("quality_thresholds.clarity"),
		Completeness: v.Float("quality_thresholds.completeness"),
		Relevance:    v.Float("quality_thresholds.relevance"),
		Markdown:     v.Float("quality_thresholds.markdown"),
	}
}

// AutoOptimize says whether documents are rewritten for retrieval by default.
func (v Values) AutoOptimize() bool { return v.Bool("auto_optimize") }

// ExtractionPriority is the engine tried first: native, docling, default or auto.
func (v Values) ExtractionPriority() string { return v.String("extraction.priority") }

// EngineOrder is the extraction engines in the order they are tried: the
// priority first ("auto" means native), then native, docling and the
// extraction service ("default") as fallbacks. Engines that are not
// configured are skipped by whoever builds the extractor.
func (v Values) EngineOrder() []string {
	first := v.ExtractionPriority()
	if first == "auto" || first == "" {
		first = "native"
	}
	out := []string{first}
	for _, e := range []string{"native", "docling", "default"} {
		if e != first {
			out = append(out, e)
		}
	}
	return out
}

// ExtractionTimeout is the time limit for converting one document.
func (v Values) ExtractionTimeout() time.Duration {
	return time.Duration(v.Int("extraction.timeout")) * time.Second
}

// OCRLanguage is the Tesseract language list.
func (v Values) OCRLanguage() string { return v.String("ocr.language") }

// OCRPSM is the Tesseract page segmentation mode.
func (v Values) OCRPSM() int { return int(v.Int("ocr.psm")) }

// MaxFileSize is the largest accepted upload in bytes.
func (v Values) MaxFileSize() int64 { return v.Int("max_file_size") }

// LLMTemperature is the sampling temperature of LLM calls.
func (v Values) LLMTemperature() float64 { return v.Float("llm.temperature") }

// MonthlyTokenBudget is the organization's LLM tokens per calendar month; 0
// means no limit.
func (v Values) MonthlyTokenBudget() int64 { return v.Int("llm.monthly_token_budget") }

// ChunkSize is the largest chunk in tokens.
func (v Values) ChunkSize() int { return int(v.Int("chunking.size")) }

// ChunkOverlap is the overlap between chunks in tokens, always less than
// ChunkSize (layers may set the two separately).
func (v Values) ChunkOverlap() int {
	return min(int(v.Int("chunking.overlap")), max(v.ChunkSize()-1, 0))
}

// ChunkTokenizer is how chunk sizes are counted.
func (v Values) ChunkTokenizer() string { return v.String("chunking.tokenizer") }

// AuditRetention is how long audit rows are kept; 0 keeps them forever.
func (v Values) AuditRetention() time.Duration {
	return time.Duration(v.Int("audit.retention_days")) * 24 * time.Hour
}

// WebhooksEnabled says whether the organization's webhooks are delivered.
func (v Values) WebhooksEnabled() bool { return v.Bool("webhooks.enabled") }

// ExtractionOptions returns o with the OCR language, page segmentation
// mode and per-document time limit these settings give, for an extractor
// built from the environment (whose engines and paths stay as they are).
func (v Values) ExtractionOptions(o format.Options) format.Options {
	o.OCRLang, o.OCRPSM, o.Timeout = v.OCRLanguage(), v.OCRPSM(), v.ExtractionTimeout()
	return o
}
