package document

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/pipeline"
	"github.com/curatore/curatore/internal/storage"
)

// usageRun is one stored processing run and the LLM use of its stages.
type usageRun struct {
	org, doc string
	at       time.Time
	usage    []pipeline.StageUsage
}

func reviewUsage(model string, calls, prompt, completion int) pipeline.StageUsage {
	return pipeline.StageUsage{Stage: "review", Model: model, Calls: calls, PromptTokens: prompt, CompletionTokens: completion}
}

// seedUsage makes the organizations and documents the runs name and stores
// each run's result (and so its llm_usage rows) through SaveResult.
func seedUsage(t *testing.T, d *db.DB, runs []usageRun) {
	t.Helper()
	ctx, now := context.Background(), db.Now()
	seen := map[string]bool{}
	for _, r := range runs {
		if !seen[r.org] {
			seen[r.org] = true
			if _, err := d.Exec(ctx, `INSERT INTO organizations (id, name, display_name, slug, created_at, updated_at)
				VALUES (?, ?, ?, ?, ?, ?)`, r.org, r.org, r.org, r.org, now, now); err != nil {
				t.Fatal(err)
			}
		}
		if !seen[r.doc] {
			seen[r.doc] = true
			doc := Document{ID: r.doc, OrgID: r.org, Filename: r.doc + ".md", ContentType: "text/markdown", Kind: "md",
				SHA256: r.doc, Status: "uploaded", UploadedAt: now, UpdatedAt: now}
			if err := insert(ctx, d, &doc); err != nil {
				t.Fatal(err)
			}
		}
		res := &pipeline.Result{ProcessedAt: r.at, Usage: r.usage}
		if _, err := SaveResult(ctx, d, r.org, r.doc, "", res); err != nil {
			t.Fatal(err)
		}
	}
}

// llmUsageTotals is what llm_usage holds for orgID in [since, until):
// calls and tokens, summed by SQL apart from Usage.
func llmUsageTotals(t *testing.T, d *db.DB, orgID string, since, until time.Time) [2]int {
	t.Helper()
	var n [2]int
	if err := d.QueryRow(context.Background(), `SELECT COALESCE(SUM(calls), 0), COALESCE(SUM(prompt_tokens + completion_tokens), 0)
		FROM llm_usage WHERE org_id = ? AND used_at >= ? AND used_at < ?`, orgID, since, until).Scan(&n[0], &n[1]); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestUsageSumsLLMUsageByDayAndModel: Usage sums llm_usage by UTC day and
// model (two models, days cut at midnight UTC, [since, until)), equals
// what the table holds, leaves out another organization's use, and keeps
// counting a deleted document's runs: the tokens were spent.
func TestUsageSumsLLMUsageByDayAndModel(t *testing.T) {
	day := func(d, h, m int) time.Time { return time.Date(2026, 12, d, h, m, 0, 0, time.UTC) }
	east := time.FixedZone("east", 2*3600)
	runs := []usageRun{
		{"o", "d1", day(1, 9, 0), []pipeline.StageUsage{reviewUsage("m-a", 2, 300, 100),
			{Stage: "optimize", Model: "m-b", Calls: 1, PromptTokens: 50, CompletionTokens: 25}}},
		{"o", "d1", day(1, 23, 59).Add(59*time.Second + 999999*time.Microsecond), []pipeline.StageUsage{reviewUsage("m-a", 1, 100, 50)}},
		{"o", "d2", day(2, 0, 0).In(east), []pipeline.StageUsage{{Stage: "extract"}, reviewUsage("m-a", 1, 200, 20),
			{Stage: "optimize", Model: "m-b", Calls: 1, PromptTokens: 10, CompletionTokens: 5}}},
		{"o", "d2", day(3, 0, 0), []pipeline.StageUsage{reviewUsage("m-a", 1, 7, 7)}},                        // at until: out
		{"o", "d1", day(1, 0, 0).Add(-time.Microsecond), []pipeline.StageUsage{reviewUsage("m-a", 1, 9, 9)}}, // before since
		{"p", "e1", day(1, 10, 0), []pipeline.StageUsage{reviewUsage("m-a", 5, 9999, 9999)}},
	}
	want := []UsageRow{
		{Day: "2026-12-01", Model: "m-a", Calls: 3, PromptTokens: 400, CompletionTokens: 150, TotalTokens: 550},
		{Day: "2026-12-01", Model: "m-b", Calls: 1, PromptTokens: 50, CompletionTokens: 25, TotalTokens: 75},
		{Day: "2026-12-02", Model: "m-a", Calls: 1, PromptTokens: 200, CompletionTokens: 20, TotalTokens: 220},
		{Day: "2026-12-02", Model: "m-b", Calls: 1, PromptTokens: 10, CompletionTokens: 5, TotalTokens: 15},
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		seedUsage(t, d, runs)
		files, err := storage.NewLocal(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		s := &Service{DB: d, Files: files}
		since, until := day(1, 0, 0), day(3, 0, 0)
		check := func(step string) {
			got, err := s.Usage(ctx, auth.Scope{OrgID: "o"}, since, until)
			if err != nil || !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: %+v, %v; want %+v", step, got, err, want)
			}
			var sum [2]int
			for _, r := range got {
				sum[0], sum[1] = sum[0]+r.Calls, sum[1]+r.TotalTokens
			}
			if held := llmUsageTotals(t, d, "o", since, until); sum != held {
				t.Errorf("%s: calls and tokens %v, llm_usage holds %v", step, sum, held)
			}
		}
		check("stored")
		if err := s.Delete(ctx, auth.Scope{OrgID: "o"}, "d2"); err != nil {
			t.Fatal(err)
		}
		var results int
		if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM processing_results WHERE document_id = 'd2'`).Scan(&results); err != nil || results != 0 {
			t.Fatalf("results of the deleted document: %d, %v", results, err)
		}
		check("after deleting d2 and its results")
		got, err := s.Usage(ctx, auth.Scope{OrgID: "p"}, since, until)
		if err != nil || len(got) != 1 || got[0].TotalTokens != 19998 {
			t.Errorf("other organization: %+v, %v", got, err)
		}
		if got, err := s.Usage(ctx, auth.Scope{OrgID: "q"}, since, until); err != nil || got == nil || len(got) != 0 {
			t.Errorf("organization without use: %#v, %v (want an empty, non-nil list)", got, err)
		}
	})
}

// TestUsageRange: until must come after since, within 366 days.
func TestUsageRange(t *testing.T) {
	s := &Service{DB: dbtest.New(t)}
	at := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name         string
		since, until time.Time
		field        string
	}{
		{"empty", at, at, "until"},
		{"backwards", at, at.Add(-time.Hour), "until"},
		{"367 days", at, at.AddDate(0, 0, 367), "since"},
		{"366 days", at, at.AddDate(0, 0, 366), ""},
	} {
		_, err := s.Usage(context.Background(), auth.Scope{OrgID: "o"}, c.since, c.until)
		e, _ := apperr.As(err)
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.field != "" && (!errors.Is(err, apperr.Invalid) || e == nil || len(e.Fields) != 1 || e.Fields[0].Field != c.field):
			t.Errorf("%s: %v, want a field error on %s", c.name, err, c.field)
		}
	}
}
