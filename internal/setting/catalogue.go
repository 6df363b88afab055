// Package setting is Curatore's settings: a typed catalogue declared in code,
// three stored layers (the server's system_settings table, each
// organization's settings, each user's settings) and the environment above
// them, and one Resolver that answers "what is this setting for this
// organization and user, and where did the value come from".
//
// Precedence, highest first: ENV > user > org > system > default. An
// environment variable named by a setting pins it for everyone (its source
// is "env"); removing a stored value falls back to the next layer. Values
// are checked against the catalogue when they are written, so a stored
// value is always of the declared type and range.
package setting

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Kind is a setting's value type.
type Kind string

// The kinds.
const (
	Integer Kind = "integer"
	Number  Kind = "number"
	Boolean Kind = "boolean"
	String  Kind = "string"
)

// Layer is a stored layer of settings.
type Layer string

// The stored layers, from widest to narrowest.
const (
	System Layer = "system"
	Org    Layer = "org"
	User   Layer = "user"
)

// Source says where an effective value came from.
type Source string

// The sources, from strongest to weakest.
const (
	FromEnv     Source = "env"
	FromUser    Source = "user"
	FromOrg     Source = "org"
	FromSystem  Source = "system"
	FromDefault Source = "default"
)

// Def declares one setting.
type Def struct {
	Key         string // dotted, e.g. "quality_thresholds.clarity"
	Kind        Kind
	Min, Max    float64 // range for Integer and Number when Bounded
	Bounded     bool
	AtLeast     bool     // only Min applies (Integer and Number)
	Enum        []string // allowed values for String
	Pattern     string   // what a String must look like, as a check name (see checkPattern)
	Default     any
	Description string
	Unit        string
	// Env is the environment variable that overrides every layer when set.
	Env string
	// Layers are the stored layers that may set it.
	Layers []Layer
	// Public settings are readable by every member; the others by admins only.
	Public bool
}

// Settable reports whether layer l may store this setting.
func (d Def) Settable(l Layer) bool { return slices.Contains(d.Layers, l) }

func rng(lo, hi float64) (float64, float64, bool) { return lo, hi, true }

var allLayers = []Layer{System, Org, User}
var orgLayers = []Layer{System, Org}
var systemOnly = []Layer{System}

func threshold(name, what string, lo, hi, def float64) Def {
	d := Def{Key: "quality_thresholds." + name, Kind: Integer, Default: int64(def), Public: true,
		Description: "Minimum " + what + " for a document to be RAG-ready",
		Env:         "DEFAULT_" + strings.ToUpper(name) + "_THRESHOLD", Layers: allLayers}
	d.Min, d.Max, d.Bounded = rng(lo, hi)
	return d
}

func bounded(d Def, lo, hi float64) Def {
	d.Min, d.Max, d.Bounded = rng(lo, hi)
	return d
}

func atLeast(d Def, lo float64) Def {
	d.Min, d.AtLeast = lo, true
	return d
}

// catalogue is every setting, in display order.
var catalogue = []Def{
	threshold("conversion", "conversion score (0–100)", 0, 100, 70),
	threshold("clarity", "LLM clarity score (1–10)", 1, 10, 7),
	threshold("completeness", "LLM completeness score (1–10)", 1, 10, 7),
	threshold("relevance", "LLM relevance score (1–10)", 1, 10, 7),
	threshold("markdown", "LLM Markdown-quality score (1–10)", 1, 10, 7),
	{Key: "auto_optimize", Kind: Boolean, Default: true, Public: true, Layers: allLayers,
		Description: "Rewrite processed documents for retrieval (vector optimization) unless a request says otherwise"},
	{Key: "extraction.priority", Kind: String, Enum: []string{"native", "docling", "default", "auto"}, Default: "native",
		Env: "EXTRACTION_PRIORITY", Public: true, Layers: orgLayers,
		Description: "The extraction engine tried first (native, docling, default = the extraction service, auto); the others follow as fallbacks"},
	bounded(Def{Key: "extraction.timeout", Kind: Integer, Default: int64(120), Unit: "seconds",
		Env: "EXTRACTION_TIMEOUT", Public: true, Layers: orgLayers,
		Description: "Time limit for converting one document"}, 1, 3600),
	{Key: "ocr.language", Kind: String, Pattern: "ocr_languages", Default: "eng", Env: "OCR_LANG", Public: true, Layers: allLayers,
		Description: "Tesseract language list for OCR, e.g. eng or eng+deu"},
	bounded(Def{Key: "ocr.psm", Kind: Integer, Default: int64(3), Env: "OCR_PSM", Public: true, Layers: allLayers,
		Description: "Tesseract page segmentation mode"}, 0, 13),
	bounded(Def{Key: "max_file_size", Kind: Integer, Default: int64(52428800), Unit: "bytes", Env: "MAX_FILE_SIZE",
		Public: true, Layers: systemOnly, Description: "Largest accepted upload"}, 1, 1<<40),
	bounded(Def{Key: "llm.temperature", Kind: Number, Default: 0.2, Public: true, Layers: orgLayers,
		Description: "Sampling temperature for LLM review and optimization"}, 0, 2),
	atLeast(Def{Key: "llm.monthly_token_budget", Kind: Integer, Default: int64(0), Unit: "tokens", Layers: orgLayers,
		Description: "Tokens an organization may spend on LLM calls per calendar month (UTC); 0 means no limit. When spent, LLM stages stop with budget_exceeded"}, 0),
	bounded(Def{Key: "chunking.size", Kind: Integer, Default: int64(512), Unit: "tokens", Public: true, Layers: allLayers,
		Description: "Largest chunk in RAG exports"}, 32, 32768),
	bounded(Def{Key: "chunking.overlap", Kind: Integer, Default: int64(64), Unit: "tokens", Public: true, Layers: allLayers,
		Description: "Tokens repeated between neighbouring chunks (at most half of chunking.size)"}, 0, 16384),
	{Key: "chunking.tokenizer", Kind: String, Enum: []string{"cl100k_base", "o200k_base", "characters"}, Default: "cl100k_base",
		Public: true, Layers: allLayers, Description: "How chunk sizes are counted"},
	bounded(Def{Key: "audit.retention_days", Kind: Integer, Default: int64(0), Unit: "days", Env: "AUDIT_LOG_RETENTION_DAYS",
		Layers: systemOnly, Description: "Audit rows older than this are pruned; 0 keeps them forever"}, 0, 36500),
	{Key: "webhooks.enabled", Kind: Boolean, Default: true, Layers: orgLayers,
		Description: "Deliver webhook events for this organization"},
	{Key: "ui.theme", Kind: String, Enum: []string{"system", "light", "dark"}, Default: "system", Public: true, Layers: allLayers,
		Description: "Colour theme of the web UI"},
	bounded(Def{Key: "ui.page_size", Kind: Integer, Default: int64(25), Public: true, Layers: allLayers,
		Description: "Rows per page in the web UI's lists"}, 5, 200),
}

var byKey = func() map[string]Def {
	m := make(map[string]Def, len(catalogue))
	for _, d := range catalogue {
		if _, dup := m[d.Key]; dup {
			panic("setting: duplicate key " + d.Key)
		}
		m[d.Key] = d
	}
	return m
}()

// Catalogue returns every setting, in display order.
func Catalogue() []Def { return slices.Clone(catalogue) }

// Lookup returns the setting named key.
func Lookup(key string) (Def, bool) {
	d, ok := byKey[key]
	return d, ok
}

// EnvNames returns the environment variables that override settings, sorted.
func EnvNames() []string {
	var out []string
	for _, d := range catalogue {
		if d.Env != "" {
			out = append(out, d.Env)
		}
	}
	sort.Strings(out)
	return out
}

// isGroup reports whether prefix is a group of settings ("quality_thresholds").
func isGroup(prefix string) bool {
	for _, d := range catalogue {
		if strings.HasPrefix(d.Key, prefix+".") {
			return true
		}
	}
	return false
}

// rangeText is the human range of a numeric setting, e.g. "1–10".
func (d Def) rangeText() string {
	if d.AtLeast {
		return fmt.Sprintf("at least %s", num(d.Min))
	}
	return num(d.Min) + "–" + num(d.Max)
}

func num(f float64) string {
	if f == float64(int64(f)) {
		return fmt.Sprintf("%d", int64(f))
	}
	return fmt.Sprintf("%g", f)
}
