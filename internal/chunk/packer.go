package chunk

import "strings"

// packer fills chunks greedily with units, section by section. Token counts
// of joined units are estimated by adding them up and checked exactly when
// a chunk is closed, so a long document is not re-counted per unit.
type packer struct {
	splitter
	opt  Options
	out  []Chunk
	gaps map[string]int // token counts of the blank runs between units

	path         []string
	prefix       string // EmbedText before Text
	prefixTokens int
	overlap      bool   // whether the next chunk may start inside the last one
	inTable      bool   // splitting a table: no overlap
	nextPrefix   string // when set, the prefix of every chunk after the next one closes

	units    []unit // of the open chunk, in order
	estimate int    // its estimated token count (Text only)
	headings int    // how many of its units are headings
	tail     bool   // its first unit is the overlap from the chunk before
	lastHead int    // level of its last heading
}

func newPacker(md string, opt Options) *packer {
	return &packer{splitter: splitter{md: md, tok: opt.Tokenizer}, opt: opt, gaps: map[string]int{}}
}

// budget is the most tokens Text may hold with the current prefix.
func (p *packer) budget() int { return p.opt.Size - p.prefixTokens }

func (p *packer) setPrefix(prefix string) {
	p.prefix = prefix
	p.prefixTokens = p.tok.Count(prefix)
}

// sections walks the blocks; a heading closes the open chunk unless that
// chunk holds nothing but shallower headings (a title right above a
// subtitle stays with it).
func (p *packer) sections(blocks []block) {
	var stack []block
	for _, b := range blocks {
		if b.kind == kindHeading {
			keep := p.headings > 0 && p.headings == len(p.units) && b.level > p.lastHead
			if !keep {
				p.flush()
				p.overlap = false
			}
			for len(stack) > 0 && stack[len(stack)-1].level >= b.level {
				stack = stack[:len(stack)-1]
			}
			stack = append(stack, b)
			p.path = p.path[:0]
			for _, h := range stack {
				p.path = append(p.path, h.title)
			}
			p.setPrefix(headingPrefix(p.path, p.opt))
			p.lastHead = b.level
		}
		p.block(b)
	}
	p.flush()
}

// block adds one block: whole when it fits, a split table, or the pieces
// of an oversized block.
func (p *packer) block(b block) {
	n := p.tok.Count(p.md[b.start:b.end])
	switch {
	case n <= p.budget():
		p.add(unit{b.span, n}, b.kind == kindHeading)
	case b.kind == kindTable && p.table(b):
	case b.kind == kindCode:
		for _, u := range p.split(b.span, p.budget(), codeLevels) {
			p.add(u, false)
		}
	default:
		for _, u := range p.split(b.span, p.budget(), textLevels) {
			p.add(u, b.kind == kindHeading)
		}
	}
}

// add appends u to the open chunk, or closes it and opens the next one
// (starting inside the closed one when overlap is on).
func (p *packer) add(u unit, heading bool) {
	if len(p.units) > 0 {
		cost := p.cost(p.units[len(p.units)-1].end, u)
		if p.estimate+cost <= p.budget() {
			p.units = append(p.units, u)
			p.estimate += cost
			p.count(heading)
			return
		}
		p.flush()
	}
	p.open(u)
	p.count(heading)
}

// cost estimates the tokens u adds after a unit ending at from. Across a
// line break the counts add up (a BPE keeps line breaks apart); within a
// line the gap is counted with the unit, since a BPE folds a leading space
// into the word after it.
func (p *packer) cost(from int, u unit) int {
	gap := p.md[from:u.start]
	if strings.IndexByte(gap, '\n') < 0 {
		return p.tok.Count(p.md[from:u.end])
	}
	n, ok := p.gaps[gap]
	if !ok {
		n = p.tok.Count(gap)
		p.gaps[gap] = n
	}
	return n + u.tokens
}

func (p *packer) count(heading bool) {
	if heading {
		p.headings++
	}
}

// open starts a chunk with u, preceded by the tail of the last chunk when
// overlap is on and both fit.
func (p *packer) open(u unit) {
	p.units, p.estimate, p.headings, p.tail = append(p.units[:0], u), u.tokens, 0, false
	if !p.overlap || p.inTable || p.opt.Overlap == 0 || len(p.out) == 0 {
		return
	}
	last := p.out[len(p.out)-1]
	if start := p.overlapStart(last); start < last.End {
		tail := unit{span{start, last.End}, p.tok.Count(p.md[start:last.End])}
		cost := p.cost(last.End, u)
		if tail.tokens+cost <= p.budget() {
			p.units = []unit{tail, u}
			p.estimate = tail.tokens + cost
			p.tail = true
		}
	}
}

// overlapStart is the earliest word start in c whose tail to c's end holds
// at most Overlap tokens (c.End when there is none). A tail's count grows
// as it starts earlier, so a binary search finds it; the check after it
// covers the rare BPE case where that is not quite so.
func (p *packer) overlapStart(c Chunk) int {
	// A tail of n tokens rarely spans more than 16n bytes; looking no
	// further keeps the search cheap.
	var starts []int
	for i := max(c.Start+1, c.End-16*p.opt.Overlap); i < c.End; i++ {
		if isSpace(p.md[i-1]) && !isSpace(p.md[i]) {
			starts = append(starts, i)
		}
	}
	fits := func(i int) bool { return p.tok.Count(p.md[starts[i]:c.End]) <= p.opt.Overlap }
	lo, hi := 0, len(starts)
	for lo < hi {
		mid := (lo + hi) / 2
		if fits(mid) {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	for ; lo < len(starts); lo++ {
		if fits(lo) {
			return starts[lo]
		}
	}
	return c.End
}

// flush closes the open chunk. When the exact count is over the limit the
// overlap is dropped first, then units go back into the next chunk; a
// single unit that does not fit (the estimate was off) is cut between
// tokens.
func (p *packer) flush() {
	for len(p.units) > 0 {
		last := func() int { return p.units[len(p.units)-1].end }
		embed := p.embedTokens(p.units[0].start, last())
		if p.tail && len(p.units) > 1 && embed > p.opt.Size {
			p.units = p.units[1:]
			embed = p.embedTokens(p.units[0].start, last())
		}
		var carry []unit
		for len(p.units) > 1 && embed > p.opt.Size {
			carry = append([]unit{p.units[len(p.units)-1]}, carry...)
			p.units = p.units[:len(p.units)-1]
			embed = p.embedTokens(p.units[0].start, last())
		}
		s := span{p.units[0].start, last()}
		if embed > p.opt.Size {
			cut := p.largestFit(s)
			carry = append([]unit{{span{cut, s.end}, p.tok.Count(p.md[cut:s.end])}}, carry...)
			s.end = cut
			embed = p.embedTokens(s.start, s.end)
		}
		p.emit(s, embed)
		p.units, p.estimate, p.headings, p.tail = p.units[:0], 0, 0, false
		p.overlap = true
		for _, u := range carry {
			p.add(u, false)
		}
	}
}

// embedTokens counts Markdown[start:end] with the prefix before it. The
// prefix ends with a line break and the text starts with no line break, and
// both encodings split their input at a line break before anything else, so
// the counts add up; the tests check this on every chunk they make.
func (p *packer) embedTokens(start, end int) int {
	return p.prefixTokens + p.tok.Count(p.md[start:end])
}

// largestFit is the end of the longest prefix of s that fits (at least one
// character, so that chunking always moves on).
func (p *packer) largestFit(s span) int {
	for n := p.budget(); n > 0; n -= max(1, n/8) {
		cut := s.start + p.tok.Prefix(p.md[s.start:s.end], n)
		if cut > s.start && p.embedTokens(s.start, cut) <= p.opt.Size {
			return cut
		}
	}
	return s.start + runeLen(p.md[s.start:s.end])
}

// emit appends the chunk for s, whose EmbedText has embed tokens.
func (p *packer) emit(s span, embed int) {
	text := p.md[s.start:s.end]
	p.out = append(p.out, Chunk{
		Text:        text,
		EmbedText:   p.prefix + text,
		HeadingPath: append([]string{}, p.path...),
		Start:       s.start,
		End:         s.end,
		Tokens:      embed - p.prefixTokens,
		EmbedTokens: embed,
	})
	if p.nextPrefix != "" {
		p.setPrefix(p.nextPrefix)
	}
}
