package chunk

// table splits an oversized table by rows: the first chunk starts with the
// header and delimiter rows, and every later chunk repeats them in its
// EmbedText (its Text stays the exact rows, so offsets hold). It reports
// false, leaving the table to be split as text, when the header is too
// large to repeat.
func (p *packer) table(b block) bool {
	lines := p.cut(b.span, levelLine)
	if len(lines) < 3 {
		return false
	}
	header := span{lines[0].start, lines[1].end}
	section := p.prefix
	cont := section + p.md[header.start:header.end] + "\n"
	if p.tok.Count(cont) > p.opt.Size/2 {
		return false
	}
	p.flush()
	p.inTable, p.nextPrefix = true, cont
	p.add(unit{header, p.tok.Count(p.md[header.start:header.end])}, false)
	rowBudget := p.opt.Size - p.tok.Count(cont)
	for _, row := range lines[2:] {
		for _, u := range p.split(row, rowBudget, []level{levelWord}) {
			p.add(u, false)
		}
	}
	p.flush()
	p.inTable, p.nextPrefix, p.overlap = false, "", false
	p.setPrefix(section)
	return true
}
