package format

import "strings"

// TidyMarkdown is Tidy for Markdown that may hold fenced code blocks: the
// lines inside a fence (``` or ~~~) are kept exactly, blank lines and
// trailing spaces included, and the fence is set off by blank lines.
func TidyMarkdown(md string) string {
	var out, prose strings.Builder
	flush := func() {
		out.WriteString(Tidy(prose.String()))
		prose.Reset()
	}
	var fence string
	for _, line := range strings.SplitAfter(strings.ReplaceAll(md, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case fence == "" && (strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~")):
			flush()
			if out.Len() > 0 {
				out.WriteString("\n")
			}
			fence = t[:3]
			out.WriteString(strings.TrimRight(line, " \t\n") + "\n")
		case fence != "":
			out.WriteString(strings.TrimRight(line, "\n") + "\n")
			if strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]) == "" {
				fence = ""
				out.WriteString("\n")
			}
		default:
			prose.WriteString(line)
		}
	}
	flush()
	res := strings.TrimRight(out.String(), "\n")
	if res == "" {
		return ""
	}
	return res + "\n"
}
