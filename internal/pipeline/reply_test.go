package pipeline

import (
	"strings"
	"testing"
)

const reviewedDoc = "# Setup\n\nInstall the **agent** with `apt install agent` and restart — it “just works”.\n"

func validReply() string {
	return `{"clarity_score": 8, "clarity_feedback": "Clear.", "clarity_evidence": "Install the agent with",
"completeness_score": "7", "completeness_feedback": "Whole.", "completeness_evidence": "apt install agent",
"relevance_score": 9, "relevance_feedback": "On topic.", "relevance_evidence": "\"restart - it \"just works\"\"",
"markdown_score": 6.0, "markdown_feedback": "Fine.", "markdown_evidence": "# Setup ... Install the",
"overall_feedback": "Good.", "pass_recommendation": "pass"}`
}

func TestParseReview(t *testing.T) {
	r, err := parseReview("Sure! ```json\n"+validReply()+"\n```", reviewedDoc)
	if err != nil {
		t.Fatal(err)
	}
	if r.scores["completeness"] != 7 || r.scores["markdown"] != 6 || !r.pass {
		t.Errorf("parsed %+v", r)
	}
	for _, tt := range []struct{ from, to, want string }{
		{`"clarity_score": 8`, `"clarity_score": 11`, "clarity_score is 11"},
		{`"clarity_score": 8`, `"clarity_score": 7.5`, "not an integer"},
		{`"clarity_score": 8,`, ``, "clarity_score is missing"},
		{`"Install the agent with"`, `"Configure the proxy"`, "not a quotation"},
		{`"pass"`, `"maybe"`, "pass_recommendation"},
		{`"overall_feedback": "Good."`, `"overall_feedback": ""`, "overall_feedback is missing"},
	} {
		_, err := parseReview(strings.Replace(validReply(), tt.from, tt.to, 1), reviewedDoc)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s → %s: err %v, want %q", tt.from, tt.to, err, tt.want)
		}
	}
	if _, err := parseReview("I cannot review this.", reviewedDoc); err == nil || !strings.Contains(err.Error(), "not a JSON object") {
		t.Errorf("prose reply: %v", err)
	}
}

func TestQuoteFound(t *testing.T) {
	for q, want := range map[string]bool{"install THE agent": true, "ab": false, "": false, "…": false, "apt install agent … restart": true, "apt remove": false} {
		if got := quoteFound(q, reviewedDoc); got != want {
			t.Errorf("quoteFound(%q) = %v, want %v", q, got, want)
		}
	}
}

func TestCombineReviews(t *testing.T) {
	mk := func(score float64, tokens int, pass bool) sectionReview {
		r := sectionReview{scores: map[string]float64{}, feedback: map[string]string{}, evidence: map[string]string{}, tokens: tokens, pass: pass, overall: "ok"}
		for _, c := range criteria {
			r.scores[c], r.feedback[c], r.evidence[c] = score, "fb", "ev"
		}
		return r
	}
	ev := &LLMEvaluation{}
	combineReviews(ev, []sectionReview{mk(9, 300, true), mk(3, 100, false)})
	if ev.ClarityScore != 7.5 || ev.PassRecommendation != "Fail" || ev.Sections != 2 || !strings.Contains(ev.Criteria[0].Feedback, "section 2 of 2") {
		t.Errorf("combined %+v", ev)
	}
}

func TestGate(t *testing.T) {
	th := DefaultThresholds
	ev := &LLMEvaluation{Status: StatusCompleted, ClarityScore: 8, CompletenessScore: 6, RelevanceScore: 7, MarkdownScore: 9}
	checks, pass, codes := Gate(th, 80, ev)
	if pass || len(checks) != 5 || strings.Join(codes, ",") != ReasonCompleteness {
		t.Errorf("checks %+v pass %v codes %v", checks, pass, codes)
	}
	_, pass, codes = Gate(th, 69.9, nil)
	if pass || strings.Join(codes, ",") != ReasonConversion+","+ReasonNotConfigured {
		t.Errorf("no LLM, low conversion: %v %v", pass, codes)
	}
	checks, pass, codes = Gate(th, 70, &LLMEvaluation{Status: StatusFailed})
	if !pass || !checks[1].Skipped || checks[1].Score != nil || strings.Join(codes, ",") != ReasonLLMFailed {
		t.Errorf("failed review: pass %v checks %+v codes %v", pass, checks, codes)
	}
	_, _, codes = Gate(th, 90, &LLMEvaluation{Status: StatusBudgetExceeded})
	if strings.Join(codes, ",") != ReasonBudgetExceeded {
		t.Errorf("budget: %v", codes)
	}
}
