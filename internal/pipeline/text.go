package pipeline

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file measures Markdown text: what a reader sees of it once the
// Markdown syntax is set aside, and what in it is garbage.

var (
	commentRE   = regexp.MustCompile(`(?s)<!--.*?-->`)
	tableRuleRE = regexp.MustCompile(`^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?$`)
	listMarkRE  = regexp.MustCompile(`^\s*([-*+]|\d{1,3}[.)])\s+`)
	headingRE   = regexp.MustCompile(`^#{1,6}\s+`)
	cidRE       = regexp.MustCompile(`\(cid:\d+\)`)
)

// visibleChars counts the characters of md that are text, not Markdown
// syntax and not white space: HTML comments (slide markers, image
// placeholders), heading and list markers, table rules and pipes, fences,
// emphasis markers and backslash escapes are left out. It is what the
// conversion score compares with the source's own character count.
func visibleChars(md string) int {
	md = commentRE.ReplaceAllString(md, "")
	n := 0
	for _, line := range strings.Split(md, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || tableRuleRE.MatchString(t) || strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			continue
		}
		t = headingRE.ReplaceAllString(t, "")
		t = listMarkRE.ReplaceAllString(t, "")
		t = strings.NewReplacer("|", "", "**", "", "__", "", "`", "", `\`, "").Replace(t)
		for _, r := range t {
			if !unicode.IsSpace(r) {
				n++
			}
		}
	}
	return n
}

// garbageCount counts the characters of md that carry no text: U+FFFD
// replacement characters, private-use code points (unmapped glyphs),
// control characters other than tab and newline, invalid UTF-8, and every
// character of "(cid:NN)" tokens that a PDF font without a Unicode map
// leaves behind. total is the non-space characters it was counted among.
func garbageCount(md string) (bad, total int) {
	for _, m := range cidRE.FindAllString(md, -1) {
		bad += len(m)
	}
	for i := 0; i < len(md); {
		r, size := utf8.DecodeRuneInString(md[i:])
		i += size
		if unicode.IsSpace(r) {
			continue
		}
		total++
		switch {
		case r == utf8.RuneError, r == unicode.ReplacementChar:
			bad++
		case unicode.Is(unicode.Co, r):
			bad++
		case unicode.IsControl(r):
			bad++
		}
	}
	return bad, total
}

// structure is the Markdown structure found in a text.
type structure struct {
	headings, listItems, tables, fences int
	unclosedFence                       bool
	raggedTables                        int // tables whose rows differ in cell count
	longestBlock                        int // characters of the longest paragraph
}

// measureStructure counts headings, list items, tables and code blocks,
// and the problems: an unclosed fence, tables with ragged rows, walls of
// text.
func measureStructure(md string) structure {
	var s structure
	inFence, inTable, tableCells, ragged := false, false, 0, false
	para := 0
	endTable := func() {
		if inTable && ragged {
			s.raggedTables++
		}
		inTable, ragged = false, false
	}
	for _, line := range strings.Split(md, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			if !inFence {
				s.fences++
			}
			inFence = !inFence
			continue
		}
		if inFence {
			continue
		}
		if strings.HasPrefix(t, "|") {
			cells := strings.Count(strings.ReplaceAll(t, `\|`, ""), "|")
			if !inTable {
				inTable, tableCells = true, cells
				s.tables++
			} else if cells != tableCells {
				ragged = true
			}
			continue
		}
		endTable()
		switch {
		case t == "":
			para = 0
		case headingRE.MatchString(t):
			s.headings++
		case listMarkRE.MatchString(line):
			s.listItems++
		default:
			para += utf8.RuneCountInString(t)
			s.longestBlock = max(s.longestBlock, para)
		}
	}
	endTable()
	s.unclosedFence = inFence
	return s
}
