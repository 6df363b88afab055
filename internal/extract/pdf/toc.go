package pdf

import "regexp"

// A table of contents line is a title, a dot leader and a page number
// ("2.1 ASN.1 syntax . . . . . . 2"). Such lines are aligned like a
// two-column table but are not one: each becomes a list item (nested by
// its indent like any list) with the leader shortened to an ellipsis.

// tocRE matches a leader of four or more dots (spaced or not) before a
// page number, arabic or roman, at the end of a line.
var tocRE = regexp.MustCompile(`^(.*?\S)\s*(?:\.\s*){4,}(\d{1,4}|[ivxlcdm]{1,7})$`)

// tocEntry reports whether a line reads as a table of contents entry.
func tocEntry(s string) bool { return tocRE.MatchString(s) }

// tocText writes an entry with its leader as an ellipsis: "2.1 Naming … 3".
func tocText(s string) string {
	m := tocRE.FindStringSubmatch(s)
	if m == nil {
		return s
	}
	return m[1] + " … " + m[2]
}

// mostlyTOC reports whether most of a table candidate's lines are table of
// contents entries.
func mostlyTOC(lines []line) bool {
	n := 0
	for _, l := range lines {
		if tocEntry(l.text()) {
			n++
		}
	}
	return n*2 > len(lines)
}
