// Package pipeline holds the stages of processing one document — extract,
// conversion score, LLM review, optimize (with a fact check), and the
// RAG-ready gate — as functions over explicit inputs. It touches no
// database and no HTTP: the job workers load what a run needs, call Run,
// and store what it returns.
package pipeline

import (
	"context"
	"encoding/json"
	"time"

	"github.com/curatore/curatore/internal/extract"
	"github.com/curatore/curatore/internal/extract/format"
	"github.com/curatore/curatore/internal/llm"
)

// Mode says which stages a run executes.
type Mode string

// The run modes.
const (
	ModeProcess  Mode = "process"  // extract, score, review, optimize (if asked), gate
	ModeEvaluate Mode = "evaluate" // review the current version again, then gate
	ModeRescore  Mode = "rescore"  // an edited version: score, review, optimize (if asked), gate
)

// Thresholds are the five quality thresholds (conversion 0–100, the LLM
// ones 1–10).
type Thresholds struct {
	Conversion   float64 `json:"conversion"`
	Clarity      float64 `json:"clarity"`
	Completeness float64 `json:"completeness"`
	Relevance    float64 `json:"relevance"`
	Markdown     float64 `json:"markdown"`
}

// DefaultThresholds are used when no request, setting or environment
// variable gives any.
var DefaultThresholds = Thresholds{Conversion: 70, Clarity: 7, Completeness: 7, Relevance: 7, Markdown: 7}

// Options are a run's processing options (request, else settings).
type Options struct {
	AutoOptimize     bool       `json:"auto_optimize"`
	Thresholds       Thresholds `json:"quality_thresholds"`
	ExtractionEngine string     `json:"extraction_engine,omitempty"`
}

// Source is the document being processed.
type Source struct {
	Filename    string
	ContentType string // declared media type, a hint only (ModeProcess)
	Data        []byte // the original file (ModeProcess)
	// Markdown and Pages are the current version (ModeEvaluate, ModeRescore).
	Markdown string
	Pages    []PageRef
}

// PageRef is where a page starts in a version's Markdown (format.Page).
type PageRef = format.Page

// Input is everything one run needs. The caller resolves the
// organization's extractor and LLM endpoint; nothing here looks anything up.
type Input struct {
	OrgID      string
	DocumentID string
	Mode       Mode
	Source     Source
	Options    Options
	Extractor  *extract.Extractor
	// LLM is the organization's endpoint; nil when there is none, with
	// LLMUnavailable giving the reason code ("llm_not_configured",
	// "budget_exceeded").
	LLM            *llm.Endpoint
	LLMUnavailable string
	// LLMUnavailableDetail, when set, is the evaluation's reason instead
	// of the code's generic one (e.g. how much of the budget was spent).
	LLMUnavailableDetail string
	// Progress receives every stage change and progress tick; may be nil.
	// During extraction it is called from the converter's goroutine (never
	// two calls at once, never after Run returns).
	Progress func(Progress)
}

// Progress is one report from a running pipeline.
type Progress struct {
	Stage   string // "extract", "score", "review", "optimize", "gate", "done"
	Percent int    // 0–100 for the whole run
	Level   string // "info", "warning", "error"
	Message string
	// Done and Total count pages (slides, sheets) during extraction; 0
	// otherwise.
	Done, Total int
}

// Version is a Markdown version the run produced, to be stored.
type Version struct {
	Kind     string    `json:"kind"` // "extracted", "optimized", "edited"
	Markdown string    `json:"-"`
	Pages    []PageRef `json:"pages,omitempty"`
	// Rejected is set on an optimized rewrite that is kept for inspection
	// but must not become the document's current version (reason code
	// "facts_dropped").
	Rejected string `json:"rejected,omitempty"`
}

// StageUsage is the tokens and wall time of one stage.
type StageUsage struct {
	Stage            string        `json:"stage"`
	Model            string        `json:"model,omitempty"`
	Calls            int           `json:"calls"`
	PromptTokens     int           `json:"prompt_tokens"`
	CompletionTokens int           `json:"completion_tokens"`
	Duration         time.Duration `json:"-"`
}

// stageUsageJSON is StageUsage as stored: the duration in milliseconds.
type stageUsageJSON struct {
	Stage            string  `json:"stage"`
	Model            string  `json:"model,omitempty"`
	Calls            int     `json:"calls"`
	PromptTokens     int     `json:"prompt_tokens"`
	CompletionTokens int     `json:"completion_tokens"`
	DurationMS       float64 `json:"duration_ms"`
}

// MarshalJSON writes Duration as milliseconds ("duration_ms").
func (u StageUsage) MarshalJSON() ([]byte, error) {
	return json.Marshal(stageUsageJSON{u.Stage, u.Model, u.Calls, u.PromptTokens, u.CompletionTokens,
		float64(u.Duration.Microseconds()) / 1000})
}

// UnmarshalJSON reads what MarshalJSON writes.
func (u *StageUsage) UnmarshalJSON(b []byte) error {
	var j stageUsageJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*u = StageUsage{Stage: j.Stage, Model: j.Model, Calls: j.Calls, PromptTokens: j.PromptTokens,
		CompletionTokens: j.CompletionTokens, Duration: time.Duration(j.DurationMS * float64(time.Millisecond))}
	return nil
}

// Runner runs the pipeline. Run returns the result and the versions to
// store; a failed extraction is an error carrying its format.Code (never a
// placeholder document). Everything after extraction reports its problems
// in the Result instead of failing the run.
type Runner interface {
	Run(ctx context.Context, in Input) (*Result, []Version, error)
}
