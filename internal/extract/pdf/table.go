package pdf

import (
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file finds tables in a column's line stream from text positions: a
// run of lines that are split into several segments whose horizontal
// extents line up in columns. Column boundaries come from the projection of
// the segments onto the x axis (the white strips shared by every row).

// maxTableLines bounds a table's run of lines (a page holds far fewer);
// it keeps the search linear on hostile pages of many short lines.
const maxTableLines = 300

// minTableRows is the least number of multi-segment rows that make a table.
const minTableRows = 2

// tableAt reports whether a table starts at lines[i]; if so it returns the
// table's rows (first row the header) and the number of lines it consumed.
// A one-segment line just above a table (a header whose cells ran
// together) is split at the table's column gutters and becomes its header.
func tableAt(lines []line, i int) ([][]string, int) {
	if rows, cols, n := tableRun(lines, i); n > 0 {
		return mergeWrapped(grid(rows, cols)), n
	}
	if i+1 >= len(lines) || len(lines[i].segs) > maxHeaderSegs || !sameTable(lines[i], lines[i+1], lines[i+1]) {
		return nil, 0
	}
	rows, cols, n := tableRun(lines, i+1)
	if n == 0 {
		return nil, 0
	}
	var hdr []segment
	for _, s := range lines[i].segs {
		hdr = append(hdr, splitHeader(s, cols)...)
	}
	if !headerFits(hdr, cols) {
		return nil, 0
	}
	return mergeWrapped(grid(append([]line{withSegs(lines[i], hdr)}, rows...), cols)), n + 1
}

// maxHeaderSegs bounds the pieces of a line taken for a table header.
const maxHeaderSegs = 12

// headerFits reports whether header pieces make a header for the columns:
// at least two, one per column at most, none over several columns.
func headerFits(hdr []segment, cols []interval) bool {
	if len(hdr) < 2 || spansColumns([]line{{segs: hdr}}, cols) {
		return false
	}
	used := map[int]bool{}
	for _, s := range hdr {
		c := bestColumn(s, cols)
		if used[c] {
			return false
		}
		used[c] = true
	}
	return true
}

// tableRun finds the lines of a table starting at lines[i] and its
// columns; n is 0 when there is none.
func tableRun(lines []line, i int) (rows []line, cols []interval, n int) {
	end := i
	multi := 0
	for end < len(lines) && end-i < maxTableLines {
		l := lines[end]
		if end > i && !sameTable(lines[end-1], l, lines[i]) {
			break
		}
		if len(l.segs) >= 2 {
			multi++
			end++
			continue
		}
		// One-segment lines inside a table (a cell wrapped over several
		// lines) are kept when a table row follows close by.
		if k := wrappedRun(lines, end); multi > 0 && k > 0 {
			end += k
			continue
		}
		break
	}
	if multi < minTableRows || len(lines[i].segs) < 2 {
		return nil, nil, 0
	}
	starts := columnStarts(lines[i:end])
	rows = splitAtColumnStarts(lines[i:end], starts)
	cols = columnsOf(rows)
	if len(cols) < 2 || looksLikeProse(rows) || !clearGutters(rows, cols, starts) || spansColumns(rows, cols) {
		return nil, nil, 0
	}
	k := trailingWrap(lines, end, cols, lines[i])
	return append(rows, lines[end:end+k]...), cols, end + k - i
}

// trailingWrap counts the one-segment lines right below a table's last row
// that carry on one of its cells: close below, in the table's type size,
// inside a column other than the first, starting in lower case.
func trailingWrap(lines []line, end int, cols []interval, first line) int {
	k := 0
	for end+k < len(lines) && k < maxWrapLines {
		l := lines[end+k]
		prev := lines[end+k-1]
		if len(l.segs) != 1 || !sameTable(prev, l, first) || l.x0 < cols[1].x0-startTolerance || !wrapsCell(prev.text(), l.text()) {
			break
		}
		k++
	}
	return k
}

// wrapsCell reports whether next reads as the rest of cell text above it:
// it starts in lower case and the text above is not a label ("GSM:").
func wrapsCell(above, next string) bool {
	r, _ := utf8.DecodeRuneInString(next)
	above = strings.TrimSpace(above)
	return unicode.IsLower(r) && above != "" && !strings.HasSuffix(above, ":")
}

// wrapsRow reports whether every filled cell of row r reads as the rest of
// the cell above it in row prev.
func wrapsRow(prev, r []string) bool {
	for c, cell := range r {
		if cell != "" && !wrapsCell(prev[c], cell) {
			return false
		}
	}
	return true
}

// splitHeader cuts a header segment before each word that starts where a
// column starts: header cells often run together in the text.
func splitHeader(s segment, cols []interval) []segment {
	starts := make([]float64, 0, len(cols))
	for _, c := range cols[1:] {
		starts = append(starts, c.x0)
	}
	return splitSegment(s, starts)
}

// withSegs is l with other segments.
func withSegs(l line, segs []segment) line {
	l.segs = segs
	return l
}

// sameTable reports whether line l, below prev, can continue the table
// that starts with first: close below and in the same type size.
func sameTable(prev, l, first line) bool {
	return closeBelow(prev, l) && math.Abs(l.size()-first.size()) <= 0.15*first.size()
}

// closeBelow reports whether b follows a with at most about one line of
// white space between them.
func closeBelow(a, b line) bool {
	h := math.Max(a.y1-a.y0, b.y1-b.y0)
	return b.y0-a.y1 < 1.0*h
}

// looksLikeProse rejects runs whose segments are mostly long sentences:
// text with a wide word gap, not a table.
func looksLikeProse(rows []line) bool {
	var long, all int
	for _, r := range rows {
		for _, s := range r.segs {
			all++
			if len(strings.Fields(s.text)) > 12 {
				long++
			}
		}
	}
	return long*2 > all
}

// minCellGutter is the narrowest white strip between two table columns,
// in font sizes, unless ruling lines separate the cells. The stretched
// word spaces of justified text line up across a few lines only by
// chance, and then leave narrower strips.
const minCellGutter = 0.6

// clearGutters reports whether the white strips between the columns are
// wide enough, or the cells are separated by rules. A column whose cells
// share their left edge (starts) may follow a narrow strip: its cells are
// aligned, not stretched word spaces.
func clearGutters(rows []line, cols []interval, starts []float64) bool {
	for _, r := range rows {
		for _, s := range r.segs {
			if s.ruled {
				return true
			}
		}
	}
	size := rows[0].size()
	for i := 1; i < len(cols); i++ {
		gap := cols[i].x0 - cols[i-1].x1
		if gap < minCellGutter*size && !(gap > 0 && nearAny(cols[i].x0, starts)) {
			return false
		}
	}
	return true
}

// spansColumns reports whether a one-segment line of the run reaches over
// several columns: a line of running text, so the run is no table.
func spansColumns(rows []line, cols []interval) bool {
	for _, r := range rows {
		if len(r.segs) != 1 {
			continue
		}
		n := 0
		for _, c := range cols {
			if overlap(r.segs[0].x0, r.segs[0].x1, c.x0, c.x1) > 0 {
				n++
			}
		}
		if n > 1 {
			return true
		}
	}
	return false
}

// interval is a column's horizontal extent.
type interval struct{ x0, x1 float64 }

// columnsOf merges the x extents of the segments of multi-segment rows into
// column intervals, left to right.
func columnsOf(rows []line) []interval {
	var iv []interval
	for _, r := range rows {
		if len(r.segs) < 2 {
			continue
		}
		for _, s := range r.segs {
			iv = append(iv, interval{s.x0, s.x1})
		}
	}
	sort.Slice(iv, func(a, b int) bool { return iv[a].x0 < iv[b].x0 })
	var cols []interval
	for _, v := range iv {
		if n := len(cols); n > 0 && v.x0 < cols[n-1].x1 {
			cols[n-1].x1 = math.Max(cols[n-1].x1, v.x1)
			continue
		}
		cols = append(cols, v)
	}
	return cols
}

// grid places each segment in the column it overlaps most. A cell whose
// text sits on two baselines within one line (a stacked header) is read
// top to bottom.
func grid(rows []line, cols []interval) [][]string {
	out := make([][]string, 0, len(rows))
	for _, r := range rows {
		cellSegs := make([][]segment, len(cols))
		for _, s := range r.segs {
			c := bestColumn(s, cols)
			cellSegs[c] = append(cellSegs[c], s)
		}
		cells := make([]string, len(cols))
		for c, segs := range cellSegs {
			sort.SliceStable(segs, func(a, b int) bool {
				sa, sb := segs[a], segs[b]
				if math.Abs(sa.y0-sb.y0) > 0.5*(sa.y1-sa.y0) {
					return sa.y0 < sb.y0
				}
				return sa.x0 < sb.x0
			})
			parts := make([]string, len(segs))
			for i, s := range segs {
				parts[i] = s.text
			}
			cells[c] = strings.Join(parts, " ")
		}
		out = append(out, cells)
	}
	return out
}

func bestColumn(s segment, cols []interval) int {
	best, bestOv := 0, -math.MaxFloat64
	for c, col := range cols {
		ov := overlap(s.x0, s.x1, col.x0, col.x1)
		if ov == 0 {
			// Distance, negated, so the nearest column wins among misses.
			ov = -math.Min(math.Abs(s.x0-col.x1), math.Abs(col.x0-s.x1))
		}
		if ov > bestOv {
			best, bestOv = c, ov
		}
	}
	return best
}

// mergeWrapped folds a row whose first cell is empty into the row above:
// it is the continuation of cells that wrapped onto a second line. Into
// the first row (which may be a header) only when it goes on in lower case.
func mergeWrapped(rows [][]string) [][]string {
	out := rows[:1]
	for _, r := range rows[1:] {
		prev := out[len(out)-1]
		if r[0] == "" && prev[0] != "" && (len(out) > 1 || wrapsRow(prev, r)) {
			for c := range r {
				if r[c] != "" {
					prev[c] = strings.TrimSpace(prev[c] + " " + r[c])
				}
			}
			continue
		}
		out = append(out, r)
	}
	return out
}

// maxWrapLines is the most lines a wrapped table cell adds below its row.
const maxWrapLines = 4

// wrappedRun returns how many one-segment lines from lines[j] on are
// followed, close below each other, by a multi-segment line (0 if none).
func wrappedRun(lines []line, j int) int {
	for k := j; k < len(lines) && k-j <= maxWrapLines; k++ {
		if k > j && !closeBelow(lines[k-1], lines[k]) {
			return 0
		}
		if len(lines[k].segs) >= 2 {
			return k - j
		}
	}
	return 0
}

// splitAtColumnStarts splits segments in which a cell ran into the next
// one (word processors leave only the cell padding between them): where a
// column starts — a left edge shared by segments of two rows or more — and
// a word of a segment begins right there, the segment is cut before that
// word. It returns new lines; the input is not modified.
func splitAtColumnStarts(rows []line, starts []float64) []line {
	if len(starts) == 0 {
		return rows
	}
	out := make([]line, len(rows))
	for i, r := range rows {
		out[i] = r
		var segs []segment
		for _, s := range r.segs {
			segs = append(segs, splitSegment(s, starts)...)
		}
		out[i].segs = segs
	}
	return out
}

// startTolerance is how far apart, in points, left edges may be and still
// mark one column start.
const startTolerance = 1.5

// columnStarts lists the left edges that segments of at least two rows
// share, beyond each row's first segment.
func columnStarts(rows []line) []float64 {
	var xs []float64
	for _, r := range rows {
		for k, s := range r.segs {
			if k > 0 {
				xs = append(xs, s.x0)
			}
		}
	}
	sort.Float64s(xs)
	var out []float64
	for i := 0; i < len(xs); {
		j := i
		for j+1 < len(xs) && xs[j+1]-xs[i] <= startTolerance {
			j++
		}
		if j > i {
			out = append(out, xs[i])
		}
		i = j + 1
	}
	return out
}

// splitSegment cuts s before each of its words that begins at a column
// start.
func splitSegment(s segment, starts []float64) []segment {
	if s.logical || len(s.wordX) == 0 || strings.Count(s.text, " ") != len(s.wordX) {
		return []segment{s}
	}
	words := strings.Split(s.text, " ")
	var out []segment
	cur := s
	first := 0 // index in words of cur's first word
	for k, x := range s.wordX {
		if !nearAny(x, starts) {
			continue
		}
		w := k + 1 // words[w] starts at x
		left := cur
		left.text = strings.Join(words[first:w], " ")
		left.x1 = x - 1
		left.wordX = nil
		out = append(out, left)
		cur.x0, cur.ruled = x, false
		first = w
	}
	if first == 0 {
		return []segment{s}
	}
	cur.text = strings.Join(words[first:], " ")
	cur.wordX = nil
	return append(out, cur)
}

func nearAny(x float64, xs []float64) bool {
	for _, v := range xs {
		if math.Abs(x-v) <= startTolerance {
			return true
		}
	}
	return false
}
