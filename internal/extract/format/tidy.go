package format

import "strings"

// TidyMarkdown is Tidy for Markdown that may hold fenced code blocks: the
// lines inside a fence (``` or ~~~) are kept exactly, blank lines and
// trailing spaces included — but for blank lines right after the opening
// fence or right before the closing one, which mean nothing (HTML's
// "<pre><b>\n" leaves one) — and the fence is set off by blank lines.
func TidyMarkdown(md string) string {
	var out, prose strings.Builder
	flush := func() {
		out.WriteString(Tidy(prose.String()))
		prose.Reset()
	}
	var fence string
	var body []string // the current fence's lines
	for _, line := range strings.SplitAfter(strings.ReplaceAll(md, "\r\n", "\n"), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case fence == "" && (strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~")):
			flush()
			if out.Len() > 0 {
				out.WriteString("\n")
			}
			fence, body = t[:3], nil
			out.WriteString(strings.TrimRight(line, " \t\n") + "\n")
		case fence != "" && strings.HasPrefix(t, fence) && strings.Trim(t, fence[:1]) == "":
			writeCode(&out, body)
			out.WriteString(strings.TrimRight(line, "\n") + "\n\n")
			fence = ""
		case fence != "":
			body = append(body, strings.TrimRight(line, "\n"))
		default:
			prose.WriteString(line)
		}
	}
	if fence != "" {
		writeCode(&out, body) // an unclosed fence runs to the end
	}
	flush()
	res := strings.TrimRight(out.String(), "\n")
	if res == "" {
		return ""
	}
	return res + "\n"
}

// writeCode writes a fence's lines without the blank ones at either end.
func writeCode(out *strings.Builder, lines []string) {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	for _, l := range lines {
		out.WriteString(l + "\n")
	}
}
