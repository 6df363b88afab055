package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/llm/llmtest"
	"github.com/curatore/curatore/internal/testenv"
)

// budgetReviewer is a fake model that reviews the documents processedDocument
// makes ("Some text of …") and reports tokens per call.
func budgetReviewer(t *testing.T, prompt, completion int) *llmtest.Server {
	srv := llmtest.New(t)
	srv.Script(func(req llmtest.ChatRequest) llmtest.Reply {
		if !strings.Contains(req.Last(), "clarity_score") {
			return llmtest.Reply{Status: 400, Message: "only reviews are scripted"}
		}
		q := "Some text of"
		b, _ := json.Marshal(map[string]any{
			"clarity_score": 8, "clarity_feedback": "Clear.", "clarity_evidence": q,
			"completeness_score": 8, "completeness_feedback": "Complete.", "completeness_evidence": q,
			"relevance_score": 8, "relevance_feedback": "On topic.", "relevance_evidence": q,
			"markdown_score": 8, "markdown_feedback": "Sound.", "markdown_evidence": q,
			"overall_feedback": "Fine.", "pass_recommendation": "Pass"})
		return llmtest.Reply{Content: string(b), PromptTokens: prompt, CompletionTokens: completion}
	})
	return srv
}

// budgetOrg is an organization with its own LLM connection to srv and the
// given organization settings; it returns the admin's token.
func budgetOrg(t *testing.T, env *testenv.Env, name string, srv *llmtest.Server, settings string) string {
	t.Helper()
	tn := newTenant(t, env, name)
	admin := env.LoginAs(t, tn.admin, tn.orgID)
	if st, b := env.Do(t, "DELETE", "/api/v1/connections/"+tn.connectionID, admin, nil); st != http.StatusNoContent {
		t.Fatalf("delete placeholder connection: %d %s", st, b)
	}
	if st := env.DoJSON(t, "POST", "/api/v1/connections", admin, map[string]any{"name": name + " model", "connection_type": "llm",
		"is_default": true, "test_on_save": false, "config": map[string]any{"base_url": srv.URL(), "api_key": "sk-" + name, "model": "test-model"}},
		nil); st != http.StatusCreated {
		t.Fatalf("create connection: %d", st)
	}
	putOrgSettings(t, env, admin, settings)
	return admin
}

func putOrgSettings(t *testing.T, env *testenv.Env, admin, settings string) {
	t.Helper()
	if st, b := env.Do(t, "PUT", "/api/v1/organizations/me/settings", admin, `{"settings": `+settings+`}`); st != http.StatusOK {
		t.Fatalf("settings %s: %d %s", settings, st, b)
	}
}

// evaluation processes one new document and returns its result's LLM
// evaluation status and reason, and the gate's reason codes.
func evaluation(t *testing.T, env *testenv.Env, token, name string) (status, reason string, codes []string) {
	t.Helper()
	docID, _, _ := processedDocument(t, env, token, name)
	var r struct {
		LLMEvaluation struct {
			Status string `json:"status"`
			Reason string `json:"reason"`
		} `json:"llm_evaluation"`
		ReasonCodes []string `json:"reason_codes"`
	}
	if st := env.DoJSON(t, "GET", "/api/v1/documents/"+docID+"/result", token, nil, &r); st != http.StatusOK {
		t.Fatalf("result of %s: %d", name, st)
	}
	return r.LLMEvaluation.Status, r.LLMEvaluation.Reason, r.ReasonCodes
}

// TestMonthlyTokenBudget: an organization with a budget reviews documents
// until its month's tokens reach it; the next job's review is
// budget_exceeded with what was spent, and its model gets no further call;
// another organization is unaffected; raising the budget lets the next job
// call the model again.
func TestMonthlyTokenBudget(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		srvA, srvB := budgetReviewer(t, 300, 100), budgetReviewer(t, 300, 100) // 400 tokens a review
		a := budgetOrg(t, env, "Budgeted", srvA, `{"auto_optimize": false, "llm": {"monthly_token_budget": 1000}}`)
		b := budgetOrg(t, env, "Unbudgeted", srvB, `{"auto_optimize": false}`)

		// 0, 400 and 800 tokens spent are under 1000: three reviews.
		for i := 1; i <= 3; i++ {
			if st, reason, _ := evaluation(t, env, a, fmt.Sprintf("a%d", i)); st != "completed" {
				t.Fatalf("review %d: %s (%s)", i, st, reason)
			}
		}
		if n := len(srvA.Requests()); n != 3 {
			t.Fatalf("calls before the budget was spent: %d, want 3", n)
		}
		st, reason, codes := evaluation(t, env, a, "a4")
		if st != "budget_exceeded" || !strings.Contains(reason, "1200 of 1000 tokens") || !contains(codes, "budget_exceeded") {
			t.Errorf("after the budget: %s %q %v", st, reason, codes)
		}
		if n := len(srvA.Requests()); n != 3 {
			t.Errorf("the model was called %d times, want still 3", n)
		}
		for i := 1; i <= 4; i++ {
			if st, reason, _ := evaluation(t, env, b, fmt.Sprintf("b%d", i)); st != "completed" {
				t.Fatalf("other organization's review %d: %s (%s)", i, st, reason)
			}
		}
		if n := len(srvB.Requests()); n != 4 {
			t.Errorf("other organization's calls: %d, want 4", n)
		}

		putOrgSettings(t, env, a, `{"llm": {"monthly_token_budget": 5000}}`)
		if st, reason, _ := evaluation(t, env, a, "a5"); st != "completed" || len(srvA.Requests()) != 4 {
			t.Errorf("after raising the budget: %s (%s), %d calls", st, reason, len(srvA.Requests()))
		}
		var u UsageTotals
		env.DoJSON(t, "GET", "/api/v1/usage", a, nil, &u)
		if u.Totals.TotalTokens != 1600 {
			t.Errorf("usage totals: %+v, want 1600 tokens", u.Totals)
		}
	})
}

// TestTokenBudgetStopsMidRun: a run that spends the budget in its review
// makes no further call (the rewrite is refused before it is sent), and
// the refused stage says why.
func TestTokenBudgetStopsMidRun(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		srv := budgetReviewer(t, 1000, 200)
		a := budgetOrg(t, env, "Midrun", srv, `{"auto_optimize": true, "llm": {"monthly_token_budget": 1000}}`)
		st, reason, codes := evaluation(t, env, a, "m1")
		if st != "completed" || !contains(codes, "optimize_failed") {
			t.Errorf("first run: %s (%s) %v", st, reason, codes)
		}
		if n := len(srv.Requests()); n != 1 {
			t.Errorf("calls: %d, want 1 (the review; the rewrite refused)", n)
		}
		if st, reason, _ := evaluation(t, env, a, "m2"); st != "budget_exceeded" || !strings.Contains(reason, "1200 of 1000") {
			t.Errorf("second run: %s (%s)", st, reason)
		}
	})
}

// UsageTotals is the part of GET /usage these tests read.
type UsageTotals struct {
	Totals struct {
		TotalTokens int `json:"total_tokens"`
	} `json:"totals"`
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
