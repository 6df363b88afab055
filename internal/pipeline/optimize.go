package pipeline

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/curatore/curatore/internal/llm"
)

// optimizeSystemPrompt is the reference's "technical editor": improve in
// place, keep every fact, return only Markdown.
const optimizeSystemPrompt = `You are a technical editor. You improve Markdown documents in place for retrieval: you keep every fact, figure, date, name, URL and code sample exactly as written, you do not invent anything, and you return only the improved Markdown, without commentary and without wrapping it in a code fence.`

// optimizeInstructions are the reference's eight points for a document
// that is chunked and retrieved.
const optimizeInstructions = `Rewrite the document below so it works well in a retrieval system:
1. Use clear, descriptive headings.
2. Make sections self-contained, so each can be read as a chunk on its own.
3. Give each section the context it needs (what it is about) without long repetition.
4. Use the natural keywords and synonyms a reader would search for.
5. Keep formatting consistent: lists, tables and code blocks where the content calls for them.
6. Be concise but complete: drop nothing of substance.
7. Make it easy to answer questions from: state facts plainly.
8. Keep cross-references understandable out of context.
Every number, date, URL and code span of the original must appear unchanged in your version.`

// rewriteTemperature is the reference's temperature for the rewrite.
const rewriteTemperature = 0.2

// optimize rewrites md for retrieval, section by section when md does not
// fit the context window (each section gets room for a reply as long as
// itself and a half). It returns ctx's error when ctx ends, or the LLM's.
func optimize(ctx context.Context, c *caller, md string) (string, error) {
	sections := splitSections(md, optimizeBudget(c.ep.ContextWindow))
	var out []string
	for i, sec := range sections {
		text, err := rewriteSection(ctx, c, sec, i+1, len(sections))
		if err != nil {
			return "", err
		}
		out = append(out, text)
		c.done(i+1, len(sections))
	}
	return strings.Join(out, "\n\n") + "\n", nil
}

// optimizeBudget is the tokens of document one rewrite call may carry:
// what is left of the window after the prompt, shared between the section
// and a reply up to 1.5 times as long.
func optimizeBudget(window int) int {
	if window <= 0 {
		window = defaultContextWindow
	}
	overhead := estimateTokens(optimizeSystemPrompt) + estimateTokens(optimizeInstructions) + 100
	return (window*9/10 - overhead) * 2 / 5
}

// rewriteSection rewrites one section (part of parts).
func rewriteSection(ctx context.Context, c *caller, sec string, part, parts int) (string, error) {
	intro := optimizeInstructions
	if parts > 1 {
		intro += fmt.Sprintf("\nThis is section %d of %d of a longer document; rewrite only this section.", part, parts)
	}
	temp := rewriteTemperature
	req := llm.Request{
		Messages:    []llm.Message{{Role: "system", Content: optimizeSystemPrompt}, {Role: "user", Content: intro + "\n\n" + sec}},
		Temperature: &temp,
		MaxTokens:   estimateTokens(sec)*3/2 + 256,
	}
	resp, err := c.chat(ctx, req)
	if err != nil {
		return "", err
	}
	text := cleanRewrite(resp.Content)
	if strings.TrimSpace(text) == "" {
		return "", fmt.Errorf("the rewrite of section %d of %d came back empty", part, parts)
	}
	return text, nil
}

var (
	wrapFenceRE = regexp.MustCompile("(?s)^\\s*```(?:markdown|md)?[ \\t]*\\n(.*?)\\n```\\s*$")
	blankRunRE  = regexp.MustCompile(`\n{3,}`)
	preambleRE  = regexp.MustCompile(`(?i)^\s*(here is|here's|below is)[^\n]*:\s*\n`)
	labelRE     = regexp.MustCompile(`(?i)^\s*(summary|optimized document|rewritten document|improved document)\s*:\s*`)
)

// cleanRewrite removes what models put around a rewrite: a code fence
// around the whole reply, a "Here is…:" line, a "Summary:" label, and
// runs of blank lines.
func cleanRewrite(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = preambleRE.ReplaceAllString(s, "")
	if m := wrapFenceRE.FindStringSubmatch(s); m != nil {
		s = m[1]
	}
	s = labelRE.ReplaceAllString(s, "")
	s = blankRunRE.ReplaceAllString(s, "\n\n")
	return strings.TrimSpace(s)
}
