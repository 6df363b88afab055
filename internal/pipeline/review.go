package pipeline

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/curatore/curatore/internal/llm"
)

// reviewSystemPrompt keeps the reference's reviewer: four categories
// scored 1–10 with a rationale, improvement suggestions, and "Pass" only
// when every category is sufficient. Each score must now quote its
// evidence from the document.
const reviewSystemPrompt = `You are an expert documentation reviewer. You judge how well a Markdown document, converted from an original file, will serve as a knowledge source for retrieval-augmented generation.
Score each category as an integer from 1 (poor) to 10 (excellent):
- clarity: is the text easy to read and understand, without garbled or broken passages?
- completeness: does the content look whole, without missing sections, cut-off sentences or lost tables?
- relevance: is the content substantive and on topic, without boilerplate, noise or repeated page furniture?
- markdown: is the Markdown well formed and useful: headings, lists, tables and code where the content calls for them?
For each category give a one-sentence rationale and a short exact quotation (a few words, copied verbatim) from the document that supports it.
Then give overall feedback with concrete suggestions for improvement, and a pass recommendation: "Pass" only if every category is sufficient (7 or more), otherwise "Fail".`

// reviewReplyKeys is the JSON object the reviewer must answer with.
const reviewReplyKeys = `Reply with only a JSON object with these keys: clarity_score, clarity_feedback, clarity_evidence, completeness_score, completeness_feedback, completeness_evidence, relevance_score, relevance_feedback, relevance_evidence, markdown_score, markdown_feedback, markdown_evidence, overall_feedback, pass_recommendation.`

// reviewReplyTokens is the room kept for the reviewer's reply.
const reviewReplyTokens = 1024

// criteria are the four reviewed categories, in order.
var criteria = []string{"clarity", "completeness", "relevance", "markdown"}

// review asks the LLM to review md, in sections when md does not fit the
// context window. It returns an error only when ctx ends; an LLM that
// fails gives an evaluation with status "failed" and the reason.
func review(ctx context.Context, c *caller, md string) (*LLMEvaluation, error) {
	ev := &LLMEvaluation{Model: c.ep.Model, Source: c.ep.Source}
	if visibleChars(md) == 0 {
		ev.Status, ev.Reason = StatusFailed, "the document has no text to review"
		return ev, nil
	}
	sections := splitSections(md, reviewBudget(c.ep.ContextWindow))
	parts := make([]sectionReview, 0, len(sections))
	for i, sec := range sections {
		r, err := reviewSection(ctx, c, sec, i+1, len(sections))
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			ev.Status, ev.Reason = "failed", failureReason(err, i+1, len(sections))
			if errors.Is(err, llm.ErrBudgetExceeded) {
				ev.Status, ev.Reason = StatusBudgetExceeded, fmt.Sprintf("%v (stopped before section %d of %d)", err, i+1, len(sections))
			}
			return ev, nil
		}
		parts = append(parts, r)
		c.done(i+1, len(sections))
	}
	combineReviews(ev, parts)
	ev.Status = "completed"
	return ev, nil
}

// reviewBudget is the tokens of document one review call may carry: the
// context window less the prompt, the reply and a tenth for estimation
// error.
func reviewBudget(window int) int {
	if window <= 0 {
		window = defaultContextWindow
	}
	overhead := estimateTokens(reviewSystemPrompt) + estimateTokens(reviewReplyKeys) + 100
	return window*9/10 - overhead - reviewReplyTokens
}

// failureReason says why a review failed, in one line.
func failureReason(err error, part, parts int) string {
	where := ""
	if parts > 1 {
		where = fmt.Sprintf(" (section %d of %d)", part, parts)
	}
	var m *malformedError
	switch {
	case errors.As(err, &m):
		return "malformed model output" + where + ": " + m.err.Error()
	case errors.Is(err, errUnreachable):
		return err.Error() + where
	}
	return "the LLM call failed" + where + ": " + err.Error()
}

// sectionReview is the review of one section, with its length.
type sectionReview struct {
	scores   map[string]float64
	feedback map[string]string
	evidence map[string]string
	overall  string
	pass     bool
	tokens   int
}

// reviewSection reviews one section (part of parts).
func reviewSection(ctx context.Context, c *caller, sec string, part, parts int) (sectionReview, error) {
	intro := "Review this Markdown document."
	if parts > 1 {
		intro = fmt.Sprintf("Review this Markdown document. It is section %d of %d of a longer document: judge this section on its own, and do not mark it down for starting or ending mid-document.", part, parts)
	}
	fence := codeFence(sec)
	user := intro + "\n\n" + fence + "markdown\n" + sec + "\n" + fence + "\n\n" + reviewReplyKeys
	msgs := []llm.Message{{Role: "system", Content: reviewSystemPrompt}, {Role: "user", Content: user}}
	var r sectionReview
	err := c.jsonCall(ctx, msgs, reviewReplyTokens, func(reply string) error {
		var perr error
		r, perr = parseReview(reply, sec)
		return perr
	})
	r.tokens = estimateTokens(sec)
	return r, err
}

// codeFence returns a backtick fence longer than any run of backticks in s.
func codeFence(s string) string {
	longest, run := 0, 0
	for _, ch := range s {
		if ch == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// parseReview validates a reviewer's reply against the section it reviews.
func parseReview(reply, sec string) (sectionReview, error) {
	obj, err := jsonObject(reply)
	if err != nil {
		return sectionReview{}, err
	}
	r := sectionReview{scores: map[string]float64{}, feedback: map[string]string{}, evidence: map[string]string{}}
	var problems []string
	for _, name := range criteria {
		score, err := scoreField(obj, name+"_score")
		if err != nil {
			problems = append(problems, err.Error())
		}
		r.scores[name] = score
		r.feedback[name] = stringField(obj, name+"_feedback")
		if r.feedback[name] == "" {
			problems = append(problems, name+"_feedback is missing")
		}
		r.evidence[name] = stringField(obj, name+"_evidence")
		if !quoteFound(r.evidence[name], sec) {
			problems = append(problems, fmt.Sprintf("%s_evidence %q is not a quotation from the document", name, shorten(r.evidence[name], 60)))
		}
	}
	r.overall = stringField(obj, "overall_feedback")
	if r.overall == "" {
		problems = append(problems, "overall_feedback is missing")
	}
	switch strings.ToLower(stringField(obj, "pass_recommendation")) {
	case "pass":
		r.pass = true
	case "fail":
	default:
		problems = append(problems, `pass_recommendation must be "Pass" or "Fail"`)
	}
	if len(problems) > 0 {
		return r, errors.New(strings.Join(problems, "; "))
	}
	return r, nil
}

// combineReviews merges section reviews into ev: each criterion's score is
// the mean of the sections' scores weighted by their length (estimated
// tokens), to one decimal; its feedback and evidence are those of the
// section that scored it lowest; the overall feedback joins the sections';
// the recommendation is "Pass" only when every section passed.
func combineReviews(ev *LLMEvaluation, parts []sectionReview) {
	ev.Sections = len(parts)
	pass := true
	var overall []string
	for i, p := range parts {
		pass = pass && p.pass
		if len(parts) == 1 {
			overall = append(overall, p.overall)
		} else {
			overall = append(overall, fmt.Sprintf("Section %d: %s", i+1, p.overall))
		}
	}
	for _, name := range criteria {
		var sum, weights float64
		low := 0
		for i, p := range parts {
			w := float64(max(p.tokens, 1))
			sum += w * p.scores[name]
			weights += w
			if p.scores[name] < parts[low].scores[name] {
				low = i
			}
		}
		cr := Criterion{Name: name, Score: math.Round(sum/weights*10) / 10,
			Feedback: parts[low].feedback[name], Evidence: parts[low].evidence[name]}
		if len(parts) > 1 {
			cr.Feedback = fmt.Sprintf("(lowest in section %d of %d) %s", low+1, len(parts), cr.Feedback)
		}
		ev.Criteria = append(ev.Criteria, cr)
	}
	ev.ClarityScore, ev.CompletenessScore = ev.Criteria[0].Score, ev.Criteria[1].Score
	ev.RelevanceScore, ev.MarkdownScore = ev.Criteria[2].Score, ev.Criteria[3].Score
	ev.OverallFeedback = strings.Join(overall, "\n")
	ev.PassRecommendation = "Fail"
	if pass {
		ev.PassRecommendation = "Pass"
	}
}
