package pipeline

// plan shares the whole run's 0–100 among its stages, by how long they
// usually take: extraction and the LLM calls dominate.
type plan struct {
	from, span map[string]float64
}

// newPlan lays out the stages of in's mode.
func newPlan(in Input) plan {
	type part struct {
		stage  string
		weight float64
	}
	var parts []part
	if in.Mode == ModeProcess || in.Mode == "" {
		parts = append(parts, part{"extract", 40})
	}
	parts = append(parts, part{"score", 5}, part{"review", 25})
	if in.Options.AutoOptimize && in.Mode != ModeEvaluate && in.LLM != nil {
		parts = append(parts, part{"optimize", 25}, part{"review_optimized", 20})
	}
	parts = append(parts, part{"gate", 2})
	total := 0.0
	for _, p := range parts {
		total += p.weight
	}
	pl := plan{from: map[string]float64{}, span: map[string]float64{}}
	at := 0.0
	for _, p := range parts {
		pl.from[p.stage], pl.span[p.stage] = at, 100*p.weight/total
		at += pl.span[p.stage]
	}
	return pl
}

// percent is the whole run's progress when stage is done/total through.
// Stages outside the plan ("done") are 100.
func (p plan) percent(stage string, done, total int) int {
	from, ok := p.from[stage]
	if !ok {
		return 100
	}
	frac := 1.0
	if total > 0 {
		frac = min(max(float64(done)/float64(total), 0), 1)
	}
	return min(int(from+frac*p.span[stage]), 100)
}

// stageName is the Progress.Stage of a plan stage: the review of the
// rewrite is part of "optimize".
func stageName(key string) string {
	if key == "review_optimized" {
		return "optimize"
	}
	return key
}
