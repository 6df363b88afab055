package pipeline

import (
	"time"

	"github.com/curatore/curatore/internal/extract"
)

// Result is one processing run's outcome: the reference's V1ProcessingResult
// fields (kept by name) plus what it lacked. It is stored as JSON beside the
// few columns the lists filter on (conversion score, RAG-ready, LLM status).
type Result struct {
	DocumentID        string           `json:"document_id"`
	Filename          string           `json:"filename"`
	Status            string           `json:"status"` // "completed"
	Success           bool             `json:"success"`
	ConversionResult  ConversionResult `json:"conversion_result"`
	LLMEvaluation     *LLMEvaluation   `json:"llm_evaluation"`
	ConversionScore   float64          `json:"conversion_score"`
	PassAllThresholds bool             `json:"pass_all_thresholds"`
	VectorOptimized   bool             `json:"vector_optimized"`
	ThresholdsUsed    Thresholds       `json:"thresholds_used"`
	Checks            []ThresholdCheck `json:"threshold_checks"`
	ReasonCodes       []string         `json:"reason_codes"`
	FactCheck         *FactCheck       `json:"fact_check,omitempty"`
	// GatedVersion is the kind of version the gate judged: the optimized
	// rewrite when it kept every fact, else the input ("extracted",
	// "edited", or "current" for a re-evaluation).
	GatedVersion string `json:"gated_version"`
	// Reviews are every LLM review of the run, by version; LLMEvaluation
	// is the one of GatedVersion.
	Reviews        []VersionReview   `json:"reviews,omitempty"`
	Engine         string            `json:"engine"`
	Attempts       []extract.Attempt `json:"attempts"`
	Usage          []StageUsage      `json:"usage"`
	ProcessingTime float64           `json:"processing_time"` // seconds, real
	ProcessedAt    time.Time         `json:"processed_at"`
}

// VersionReview is the LLM review of one version of the run.
type VersionReview struct {
	Version    string         `json:"version"`
	Evaluation *LLMEvaluation `json:"evaluation"`
}

// ConversionResult is the measured conversion score with its signals.
type ConversionResult struct {
	Success          bool        `json:"success"`
	ConversionScore  float64     `json:"conversion_score"` // 0–100
	Signals          []Signal    `json:"signals"`
	Pages            []PageScore `json:"pages,omitempty"`
	ConversionNotes  []string    `json:"conversion_notes"`
	ExtractionEngine string      `json:"extraction_engine"`
	TotalCharacters  int         `json:"total_characters"`
	ProcessingTime   float64     `json:"processing_time"`
}

// Signal is one measured property behind the conversion score.
type Signal struct {
	Name   string  `json:"name"`
	Value  float64 `json:"value"`
	Score  float64 `json:"score"` // 0–100
	Weight float64 `json:"weight"`
	Reason string  `json:"reason"`
}

// PageScore is the conversion score of one page (slide, sheet).
type PageScore struct {
	Page   int     `json:"page"`
	Score  float64 `json:"score"`
	Reason string  `json:"reason"`
}

// LLMEvaluation is the LLM review. Status is "completed", "failed",
// "not_configured" or "budget_exceeded"; the scores are set only when
// completed.
type LLMEvaluation struct {
	Status             string      `json:"status"`
	Reason             string      `json:"reason,omitempty"`
	ClarityScore       float64     `json:"clarity_score"`
	CompletenessScore  float64     `json:"completeness_score"`
	RelevanceScore     float64     `json:"relevance_score"`
	MarkdownScore      float64     `json:"markdown_score"`
	Criteria           []Criterion `json:"criteria,omitempty"`
	OverallFeedback    string      `json:"overall_feedback"`
	PassRecommendation string      `json:"pass_recommendation"` // "Pass" or "Fail"
	Sections           int         `json:"sections"`            // how many parts the document was reviewed in
	Model              string      `json:"model,omitempty"`
	Source             string      `json:"source,omitempty"` // "connection:<id>" or "env"
}

// Criterion is one reviewed criterion with the model's feedback and a
// quoted piece of the document as evidence.
type Criterion struct {
	Name     string  `json:"name"` // clarity, completeness, relevance, markdown
	Score    float64 `json:"score"`
	Feedback string  `json:"feedback"`
	Evidence string  `json:"evidence"`
}

// ThresholdCheck is one threshold against its score.
type ThresholdCheck struct {
	Name      string   `json:"name"`
	Threshold float64  `json:"threshold"`
	Score     *float64 `json:"score"` // nil when there is no score (no review)
	Passed    bool     `json:"passed"`
	// Skipped: an LLM threshold with no review to check it against; it
	// does not decide RAG-ready (Reason says why there is no review).
	Skipped bool   `json:"skipped,omitempty"`
	Reason  string `json:"reason,omitempty"` // reason code when failed or skipped
}

// FactCheck compares an optimized rewrite with its input.
type FactCheck struct {
	Passed  bool     `json:"passed"`
	Dropped []string `json:"dropped"` // numbers, dates, URLs, code spans missing from the rewrite
}
