package pdf

import "testing"

func TestSectionNumber(t *testing.T) {
	for s, want := range map[string]secNum{
		"1.2 Scope":        {text: "1.2", kind: numDotted, depth: 2},
		"3. Results":       {text: "3.", kind: numDotted, depth: 1},
		"(1) Purpose":      {text: "(1)", kind: numParen},
		"가. 개요":            {text: "가.", kind: numHangul},
		"IV. Discussion":   {text: "IV.", kind: numRoman},
		"B. Appendix":      {text: "B.", kind: numLetter},
		"2023 was a year":  {},
		"Plain text line":  {},
		"1.2.3.4 Deep one": {text: "1.2.3.4", kind: numDotted, depth: 4},
	} {
		if got := sectionNumber(s); got != want {
			t.Errorf("sectionNumber(%q) = %+v, want %+v", s, got, want)
		}
	}
}

// TestPlainHeadings: numbered and capitalised title lines joined to a
// paragraph are split out and become headings nested by their numbering;
// a list of short numbered items stays a list.
func TestPlainHeadings(t *testing.T) {
	body := "Body text that runs across the whole width of the column and ends here."
	lines := []line{
		seg("Intro text of the chapter that fills the line.", 50, 100, 500, 10, false),
		seg("(1) Network Settings", 50, 112, 180, 10, false),
		seg(body, 50, 124, 500, 10, false),
		seg("GENERAL TERMS", 50, 136, 150, 10, false),
		seg(body, 50, 148, 500, 10, false),
	}
	b := newBlock(lines[0])
	for _, l := range lines[1:] {
		b.lines = append(b.lines, l)
		b.text = append(b.text, l.text())
		b.x1 = max(b.x1, l.x1)
	}
	blocks := []block{{kind: kindHeading, level: 2, text: []string{"2. Configuration"}, lines: lines[:1]}, b}
	blocks = append(blocks, newBlock(seg("1. Plug in the cable", 50, 200, 150, 10, false)),
		newBlock(seg("2. Press the button", 50, 212, 150, 10, false)))
	blocks = splitPlainHeadings(blocks)
	markPlainHeadings(blocks, 10, 3)
	want := []struct {
		kind  blockKind
		level int
	}{{kindHeading, 2}, {kindPara, 0}, {kindHeading, 3}, {kindPara, 0}, {kindHeading, 3}, {kindPara, 0}, {kindList, 0}, {kindList, 0}}
	if len(blocks) != len(want) {
		t.Fatalf("%d blocks, want %d: %+v", len(blocks), len(want), blocks)
	}
	for i, w := range want {
		if blocks[i].kind != w.kind || blocks[i].level != w.level {
			t.Errorf("block %d %q: kind %d level %d, want kind %d level %d", i, blocks[i].text, blocks[i].kind, blocks[i].level, w.kind, w.level)
		}
	}
}
