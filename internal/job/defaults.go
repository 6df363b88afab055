package job

import (
	"context"

	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/org"
	"github.com/curatore/curatore/internal/pipeline"
)

// Defaults resolves an organization's processing options from its
// settings (quality_thresholds, auto_optimize, extraction_engine), then the
// built-in defaults (70/7/7/7/7, auto_optimize on as in the reference). It
// is the one place the queue reads them; the settings module replaces it
// with its resolver.
func Defaults(d *db.DB) DefaultsResolver {
	return func(ctx context.Context, orgID string) (pipeline.Options, error) {
		o := pipeline.Options{AutoOptimize: true, Thresholds: pipeline.DefaultThresholds}
		org, err := org.ByID(ctx, d, orgID)
		if err != nil {
			return o, err
		}
		if v, ok := org.Settings["auto_optimize"].(bool); ok {
			o.AutoOptimize = v
		}
		if v, ok := org.Settings["extraction_engine"].(string); ok {
			o.ExtractionEngine = v
		}
		t, _ := org.Settings["quality_thresholds"].(map[string]any)
		for name, dst := range map[string]*float64{"conversion": &o.Thresholds.Conversion, "clarity": &o.Thresholds.Clarity,
			"completeness": &o.Thresholds.Completeness, "relevance": &o.Thresholds.Relevance, "markdown": &o.Thresholds.Markdown} {
			if v, ok := t[name].(float64); ok {
				*dst = v
			}
		}
		return o, nil
	}
}
