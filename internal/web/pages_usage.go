package web

import (
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/curatore/curatore/internal/document"
)

// UsageBar is one day of the usage chart.
type UsageBar struct {
	Day    string
	Tokens int
	X, W   float64 // position and width in the chart's 0–100 viewBox
	H      float64 // height, 0–100
}

// UsageData is the LLM usage page: tokens by day (chart) and by model.
type UsageData struct {
	Days     int
	Rows     []document.UsageRow
	Bars     []UsageBar
	ByModel  []document.UsageRow // totals per model
	Total    int
	MaxDaily int
}

func (u *UI) usageRoutes() {
	if u.deps.Documents == nil {
		return
	}
	u.page("GET /usage", admin, u.usagePage)
}

func (u *UI) usagePage(w http.ResponseWriter, r *http.Request, v *View) error {
	days, _ := strconv.Atoi(r.URL.Query().Get("days"))
	if days < 1 || days > 366 {
		days = 30
	}
	until := time.Now().UTC().Truncate(24 * time.Hour).Add(24 * time.Hour)
	since := until.Add(-time.Duration(days) * 24 * time.Hour)
	rows, err := u.deps.Documents.Usage(r.Context(), v.Scope, since, until)
	if err != nil {
		return err
	}
	d := &UsageData{Days: days, Rows: rows}
	perDay := map[string]int{}
	perModel := map[string]*document.UsageRow{}
	for _, row := range rows {
		perDay[row.Day] += row.TotalTokens
		m := perModel[row.Model]
		if m == nil {
			m = &document.UsageRow{Model: row.Model}
			perModel[row.Model] = m
		}
		m.Calls += row.Calls
		m.PromptTokens += row.PromptTokens
		m.CompletionTokens += row.CompletionTokens
		m.TotalTokens += row.TotalTokens
		d.Total += row.TotalTokens
	}
	for _, m := range perModel {
		d.ByModel = append(d.ByModel, *m)
	}
	sort.Slice(d.ByModel, func(i, j int) bool { return d.ByModel[i].TotalTokens > d.ByModel[j].TotalTokens })
	d.Bars, d.MaxDaily = usageBars(since, days, perDay)
	v.Title, v.Section, v.Data = "Usage", "usage", d
	u.render(w, r, "usage", v)
	return nil
}

// usageBars lays out one bar per day (days without use are empty).
func usageBars(since time.Time, days int, perDay map[string]int) ([]UsageBar, int) {
	peak := 0
	for _, n := range perDay {
		peak = max(peak, n)
	}
	w := 100 / float64(days)
	bars := make([]UsageBar, 0, days)
	for i := 0; i < days; i++ {
		day := since.Add(time.Duration(i) * 24 * time.Hour).Format("2006-01-02")
		b := UsageBar{Day: day, Tokens: perDay[day], X: float64(i) * w, W: w * 0.8}
		if peak > 0 {
			b.H = float64(b.Tokens) / float64(peak) * 100
		}
		bars = append(bars, b)
	}
	return bars, peak
}
