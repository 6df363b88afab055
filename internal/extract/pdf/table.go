package pdf

import (
	"math"
	"sort"
	"strings"
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
func tableAt(lines []line, i int) ([][]string, int) {
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
		// A one-segment line inside a table (a wrapped cell) is kept when
		// the next line is a table row again and it is close by.
		if multi > 0 && end+1 < len(lines) && len(lines[end+1].segs) >= 2 {
			end++
			continue
		}
		break
	}
	if multi < minTableRows || len(lines[i].segs) < 2 {
		return nil, 0
	}
	rows := lines[i:end]
	cols := columnsOf(rows)
	if len(cols) < 2 || looksLikeProse(rows) || !clearGutters(rows, cols) || spansColumns(rows, cols) {
		return nil, 0
	}
	return mergeWrapped(grid(rows, cols)), end - i
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
// wide enough, or the cells are separated by rules.
func clearGutters(rows []line, cols []interval) bool {
	for _, r := range rows {
		for _, s := range r.segs {
			if s.ruled {
				return true
			}
		}
	}
	size := rows[0].size()
	for i := 1; i < len(cols); i++ {
		if cols[i].x0-cols[i-1].x1 < minCellGutter*size {
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
// it is the continuation of cells that wrapped onto a second line.
func mergeWrapped(rows [][]string) [][]string {
	out := rows[:1]
	for _, r := range rows[1:] {
		prev := out[len(out)-1]
		if r[0] == "" && prev[0] != "" && len(out) > 1 {
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
