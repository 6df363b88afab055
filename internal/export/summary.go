package export

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
)

// writeCombined writes the combined document: a header with the counts,
// then each document under its file name as a level-1 heading, with its
// verdict and scores, its own headings demoted one level.
func writeCombined(ctx context.Context, w io.Writer, load Loader, m *Manifest) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	fmt.Fprintf(bw, "# Curatore Processing Results - Combined Export\n\n")
	fmt.Fprintf(bw, "*Generated: %s*\n\n", m.GeneratedAt.Format("2006-01-02 15:04:05 UTC"))
	optimized := 0
	for _, d := range m.Documents {
		if d.VectorOptimized {
			optimized++
		}
	}
	fmt.Fprintf(bw, "- **Total files:** %d\n- **RAG-ready:** %d (%s)\n- **Vector-optimized:** %d\n\n---\n\n",
		m.DocumentCount, m.RAGReadyCount, percent(m.RAGReadyCount, m.DocumentCount), optimized)
	for _, d := range m.Documents {
		if err := ctx.Err(); err != nil {
			return err
		}
		ref := Ref{DocumentID: d.DocumentID, Filename: d.Filename, Source: d.Source, Version: d.Version, Quality: d.Quality}
		md, _, err := load.Load(ctx, ref)
		if err != nil {
			return fmt.Errorf("export: load %s v%d: %w", ref.DocumentID, ref.Version, err)
		}
		fmt.Fprintf(bw, "# %s\n\n", escapeInline(d.Filename))
		writeVerdict(bw, d.Quality)
		bw.WriteString("\n---\n\n")
		if err := DemoteHeadings(bw, md); err != nil {
			return err
		}
		bw.WriteString("\n\n---\n\n")
	}
	return bw.Flush()
}

// writeSummary writes PROCESSING_SUMMARY: the overview, the archive's
// contents and each document's verdict.
func writeSummary(w io.Writer, m *Manifest) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# Curatore Processing Summary\n\n*Generated: %s*\n\n## Overview\n\n", m.GeneratedAt.Format("2006-01-02 15:04:05 UTC"))
	fmt.Fprintf(bw, "- **Files included:** %d\n- **RAG-ready:** %d (%s)\n- **Download type:** %s\n\n",
		m.DocumentCount, m.RAGReadyCount, percent(m.RAGReadyCount, m.DocumentCount), m.DownloadType)
	bw.WriteString("`manifest.json` lists every entry with its SHA-256, and each document's id, version, scores and reason codes.\n\n## Documents\n\n")
	for _, d := range m.Documents {
		fmt.Fprintf(bw, "### %s\n\n- **Document:** `%s` (version %d)\n- **File:** `%s`\n", escapeInline(d.Filename), d.DocumentID, d.Version, d.Entries[0].Name)
		writeVerdict(bw, d.Quality)
		bw.WriteString("\n")
	}
	bw.WriteString("## Usage\n\n- For a RAG index, take the RAG-ready documents, or chunk them with `GET /api/v1/documents/export.jsonl`.\n" +
		"- Documents that need improvement list the checks they failed as reason codes; review or re-process them.\n")
	return bw.Flush()
}

// writeVerdict writes the status line and scores of one document.
func writeVerdict(w *bufio.Writer, q Quality) {
	status := "⚠️ Needs Improvement"
	if q.RAGReady {
		status = "✅ RAG Ready"
	}
	if q.VectorOptimized {
		status += " 🎯 Optimized"
	}
	fmt.Fprintf(w, "- **Processing Status:** %s\n- **Conversion Score:** %s/100\n", status, score(q.Scores.Conversion))
	fmt.Fprintf(w, "- **Clarity:** %s/10 · **Completeness:** %s/10 · **Relevance:** %s/10 · **Markdown:** %s/10\n",
		score(q.Scores.Clarity), score(q.Scores.Completeness), score(q.Scores.Relevance), score(q.Scores.Markdown))
	if len(q.ReasonCodes) > 0 {
		fmt.Fprintf(w, "- **Reasons:** %s\n", strings.Join(q.ReasonCodes, ", "))
	}
}

func score(v *float64) string {
	if v == nil {
		return "–"
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", *v), "0"), ".")
}

func percent(n, of int) string {
	if of == 0 {
		return "0%"
	}
	return fmt.Sprintf("%.0f%%", float64(n)*100/float64(of))
}

// escapeInline keeps a file name from being read as Markdown markup or
// from breaking its line.
func escapeInline(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r':
			b.WriteByte(' ')
		case strings.ContainsRune("\\`*_{}[]<>()#+-!|~", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
