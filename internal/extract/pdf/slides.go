package pdf

import (
	"math"
	"sort"
	"strings"
)

// This file reads slide decks and posters exported to PDF: landscape or
// very large pages with a few scattered text boxes. Column and table
// analysis would read side-by-side boxes as columns of one table, so such
// a page is cut into boxes instead (segments close together, one above
// the other or side by side on a line), and the boxes are read title
// first (the box set in the largest type near the top), then row by row,
// left to right. Each box becomes its own paragraphs, so with the title as
// a heading every slide is one section.

// maxSlideLines is the most lines a page may have to be read as a slide.
const maxSlideLines = 80

// maxSlideSegments bounds the pairwise box search.
const maxSlideSegments = 600

// isSlide reports whether a page looks like a slide or a poster: wider
// than tall or very large, and sparse.
func isSlide(lines []line, width, height float64) bool {
	if len(lines) == 0 || len(lines) > maxSlideLines || width <= 0 || height <= 0 {
		return false
	}
	if width <= 1.2*height && math.Max(width, height) <= 1100 {
		return false
	}
	return !mostlyTable(lines)
}

// mostlyTable reports whether at least half of the lines form tables of
// three rows or more with short cells: a landscape page of a spreadsheet
// or report, which the ordinary analysis reads better than boxes. (Side by
// side slide boxes align like table columns too, but hold sentences.)
func mostlyTable(lines []line) bool {
	inTable := 0
	for i := 0; i < len(lines); i++ {
		rows, n := tableAt(lines, i)
		if n == 0 {
			continue
		}
		if len(rows) >= 3 && meanWords(rows) <= 5 {
			inTable += n
		}
		i += n - 1
	}
	return 2*inTable >= len(lines)
}

// meanWords is the mean number of words of the non-empty cells.
func meanWords(rows [][]string) float64 {
	var words, cells int
	for _, r := range rows {
		for _, c := range r {
			if n := len(strings.Fields(c)); n > 0 {
				words += n
				cells++
			}
		}
	}
	if cells == 0 {
		return 0
	}
	return float64(words) / float64(cells)
}

// slideBoxes cuts a slide's lines into boxes in reading order, each box
// as its own lines.
func slideBoxes(lines []line, height float64) [][]line {
	var segs []segment
	for _, l := range lines {
		segs = append(segs, l.segs...)
	}
	if len(segs) > maxSlideSegments {
		return [][]line{lines}
	}
	groups := clusterSegments(segs)
	boxes := make([][]line, 0, len(groups))
	for _, g := range groups {
		boxes = append(boxes, buildLines(g))
	}
	return orderBoxes(boxes, height)
}

// clusterSegments groups segments that belong to one box: lines of a box
// overlap horizontally with little white space between them; pieces of
// one line sit close side by side.
func clusterSegments(segs []segment) [][]segment {
	parent := make([]int, len(segs))
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	for i := range segs {
		for j := i + 1; j < len(segs); j++ {
			if sameBox(segs[i], segs[j]) {
				parent[find(i)] = find(j)
			}
		}
	}
	idx := map[int]int{}
	var out [][]segment
	for i, s := range segs {
		r := find(i)
		k, ok := idx[r]
		if !ok {
			k = len(out)
			idx[r] = k
			out = append(out, nil)
		}
		out[k] = append(out[k], s)
	}
	return out
}

func sameBox(a, b segment) bool {
	size := math.Max(a.size, b.size)
	vgap := math.Max(0, math.Max(b.y0-a.y1, a.y0-b.y1))
	hgap := math.Max(0, math.Max(b.x0-a.x1, a.x0-b.x1))
	if vgap < 0.9*size && hgap == 0 {
		return true // lines of one box
	}
	h := math.Min(a.y1-a.y0, b.y1-b.y0)
	return overlap(a.y0, a.y1, b.y0, b.y1) > 0.5*h && hgap < 1.5*size
}

// orderBoxes puts the title box first, then the others row by row (boxes
// whose tops are close form a row), each row left to right.
func orderBoxes(boxes [][]line, height float64) [][]line {
	type box struct {
		lines          []line
		x0, y0, y1, sz float64
	}
	bs := make([]box, len(boxes))
	for i, ls := range boxes {
		b := box{lines: ls, x0: math.Inf(1), y0: math.Inf(1), y1: math.Inf(-1)}
		for _, l := range ls {
			b.x0, b.y0, b.y1 = math.Min(b.x0, l.x0), math.Min(b.y0, l.y0), math.Max(b.y1, l.y1)
			b.sz = math.Max(b.sz, l.size())
		}
		bs[i] = b
	}
	title := -1
	for i, b := range bs {
		if b.y0 < 0.35*height && (title < 0 || b.sz > bs[title].sz+0.5 || math.Abs(b.sz-bs[title].sz) <= 0.5 && b.y0 < bs[title].y0) {
			title = i
		}
	}
	var out [][]line
	if title >= 0 {
		out = append(out, bs[title].lines)
		bs = append(bs[:title], bs[title+1:]...)
	}
	sort.SliceStable(bs, func(i, j int) bool { return bs[i].y0 < bs[j].y0 })
	for i := 0; i < len(bs); {
		j := i + 1
		for j < len(bs) && bs[j].y0 < bs[i].y0+0.5*math.Max(bs[i].y1-bs[i].y0, 1) {
			j++
		}
		row := bs[i:j]
		sort.SliceStable(row, func(a, b int) bool { return row[a].x0 < row[b].x0 })
		for _, b := range row {
			out = append(out, b.lines)
		}
		i = j
	}
	return out
}
