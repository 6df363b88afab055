package pipeline

// The gate decides RAG-ready: every threshold that can be checked must
// pass. The conversion threshold is always checked. The four LLM
// thresholds (clarity, completeness, relevance, markdown) are checked when
// a review exists; without one (no LLM configured, budget exceeded, or the
// LLM failed) they are listed as skipped with the reason, and the
// conversion score alone decides, as in the reference. Every failed or
// skipped check, and a rewrite that dropped facts or could not be
// reviewed, adds a reason code.

// Reason codes of the gate.
const (
	ReasonConversion     = "conversion_below_threshold"
	ReasonClarity        = "clarity_below_threshold"
	ReasonCompleteness   = "completeness_below_threshold"
	ReasonRelevance      = "relevance_below_threshold"
	ReasonMarkdown       = "markdown_below_threshold"
	ReasonNotConfigured  = "llm_not_configured"
	ReasonLLMFailed      = "llm_failed"
	ReasonBudgetExceeded = "budget_exceeded"
	ReasonFactsDropped   = "facts_dropped"
	// ReasonOptimizeFailed: the rewrite was asked for but the LLM did not
	// deliver one; the input version was judged.
	ReasonOptimizeFailed = "optimize_failed"
)

// The LLM evaluation statuses.
const (
	StatusCompleted      = "completed"
	StatusFailed         = "failed"
	StatusNotConfigured  = "not_configured"
	StatusBudgetExceeded = "budget_exceeded"
)

// Gate checks the five thresholds against the conversion score and the
// review ev (nil or not completed: no review) and returns every check,
// whether the document is RAG-ready, and the reason codes.
func Gate(th Thresholds, conversion float64, ev *LLMEvaluation) ([]ThresholdCheck, bool, []string) {
	conv := conversion
	checks := []ThresholdCheck{check("conversion", th.Conversion, &conv, ReasonConversion)}
	if ev != nil && ev.Status == StatusCompleted {
		scores := []float64{ev.ClarityScore, ev.CompletenessScore, ev.RelevanceScore, ev.MarkdownScore}
		limits := []float64{th.Clarity, th.Completeness, th.Relevance, th.Markdown}
		codes := []string{ReasonClarity, ReasonCompleteness, ReasonRelevance, ReasonMarkdown}
		for i, name := range criteria {
			checks = append(checks, check(name, limits[i], &scores[i], codes[i]))
		}
	} else {
		code := noReviewCode(ev)
		for i, limit := range []float64{th.Clarity, th.Completeness, th.Relevance, th.Markdown} {
			checks = append(checks, ThresholdCheck{Name: criteria[i], Threshold: limit, Skipped: true, Reason: code})
		}
	}
	pass := true
	reasons := []string{}
	for _, c := range checks {
		if !c.Passed && !c.Skipped {
			pass = false
		}
		if c.Reason != "" && !contains(reasons, c.Reason) {
			reasons = append(reasons, c.Reason)
		}
	}
	return checks, pass, reasons
}

// check compares one score with its threshold.
func check(name string, threshold float64, score *float64, code string) ThresholdCheck {
	c := ThresholdCheck{Name: name, Threshold: threshold, Score: score, Passed: *score >= threshold}
	if !c.Passed {
		c.Reason = code
	}
	return c
}

// noReviewCode is the reason code for a missing review.
func noReviewCode(ev *LLMEvaluation) string {
	if ev == nil {
		return ReasonNotConfigured
	}
	switch ev.Status {
	case StatusBudgetExceeded:
		return ReasonBudgetExceeded
	case StatusNotConfigured:
		return ReasonNotConfigured
	}
	return ReasonLLMFailed
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
