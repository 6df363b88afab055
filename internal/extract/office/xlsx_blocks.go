package office

import (
	"sort"
	"strings"

	"github.com/curatore/curatore/internal/extract/format"
)

// Bounds on merged-cell filling: per range and for the whole sheet.
const (
	maxMergeFill      = 10_000
	maxMergeFillTotal = 1_000_000
	// maxBlockArea bounds the grid of one block; a sparse block whose
	// bounding box is larger (an L of cells spanning the sheet) is listed
	// row by row instead.
	maxBlockArea = 4_000_000
)

// applyMerges copies the value of each merged range's top-left cell into
// every cell it covers, so each row of the range reads completely.
func (sd *sheetData) applyMerges() {
	budget := maxMergeFillTotal
	for _, m := range sd.merges {
		v, ok := sd.cells[cellPos{m.top, m.left}]
		area := (m.bottom - m.top + 1) * (m.right - m.left + 1)
		if !ok || area > maxMergeFill || area > budget {
			continue
		}
		budget -= area
		for r := m.top; r <= m.bottom; r++ {
			for c := m.left; c <= m.right; c++ {
				sd.cells[cellPos{r, c}] = v
			}
		}
	}
}

// blocks splits the cells into separate tables: groups of cells connected
// through edge-adjacent neighbours, with groups whose bounding boxes
// overlap joined, in reading order (top, then left).
//
// The cells are sorted in reading order and joined with a union-find:
// each cell with its left neighbour (the cell before it) and with the cell
// above (found by walking the previous row alongside), which needs no
// lookups by position.
func (sd *sheetData) blocks() []cellRange {
	order := make([]cellPos, 0, len(sd.cells))
	for p := range sd.cells {
		order = append(order, p)
	}
	sort.Slice(order, func(i, j int) bool { return before(order[i], order[j]) })
	uf := newUnionFind(len(order))
	prevStart, prevEnd, rowStart := 0, 0, 0 // previous row is order[prevStart:prevEnd]
	for i, p := range order {
		if i > 0 && p.row != order[i-1].row {
			prevStart, prevEnd, rowStart = rowStart, i, i
			if order[prevStart].row != p.row-1 {
				prevStart = prevEnd // not adjacent: no cell above
			}
		}
		if i > rowStart && order[i-1].col == p.col-1 {
			uf.union(i, i-1)
		}
		for prevStart < prevEnd && order[prevStart].col < p.col {
			prevStart++
		}
		if prevStart < prevEnd && order[prevStart].col == p.col {
			uf.union(i, prevStart)
		}
	}
	byRoot := map[int]int{} // root → index in boxes
	var boxes []cellRange
	for i, p := range order {
		r := uf.find(i)
		if k, ok := byRoot[r]; ok {
			boxes[k] = boxes[k].grow(p)
			continue
		}
		byRoot[r] = len(boxes)
		boxes = append(boxes, cellRange{p.row, p.col, p.row, p.col})
	}
	boxes = joinOverlapping(boxes)
	sort.Slice(boxes, func(i, j int) bool {
		return before(cellPos{boxes[i].top, boxes[i].left}, cellPos{boxes[j].top, boxes[j].left})
	})
	return boxes
}

// unionFind is a disjoint-set forest over 0..n-1.
type unionFind []int

func newUnionFind(n int) unionFind {
	u := make(unionFind, n)
	for i := range u {
		u[i] = i
	}
	return u
}

func (u unionFind) find(i int) int {
	for u[i] != i {
		u[i] = u[u[i]] // path halving
		i = u[i]
	}
	return i
}

func (u unionFind) union(a, b int) {
	if ra, rb := u.find(a), u.find(b); ra != rb {
		u[ra] = rb
	}
}

func (r cellRange) grow(p cellPos) cellRange {
	return cellRange{min(r.top, p.row), min(r.left, p.col), max(r.bottom, p.row), max(r.right, p.col)}
}

func (r cellRange) overlaps(o cellRange) bool {
	return r.top <= o.bottom && o.top <= r.bottom && r.left <= o.right && o.left <= r.right
}

// joinOverlapping merges boxes that overlap until none do. The number of
// boxes is small in real sheets; with very many (the work is cubic) they
// are left as they are.
func joinOverlapping(boxes []cellRange) []cellRange {
	if len(boxes) > 300 {
		return boxes
	}
	for changed := true; changed; {
		changed = false
		for i := 0; i < len(boxes); i++ {
			for j := i + 1; j < len(boxes); j++ {
				if boxes[i].overlaps(boxes[j]) {
					b := boxes[j]
					boxes[i] = boxes[i].grow(cellPos{b.top, b.left}).grow(cellPos{b.bottom, b.right})
					boxes = append(boxes[:j], boxes[j+1:]...)
					changed = true
					j--
				}
			}
		}
	}
	return boxes
}

// markdown renders one block as a title paragraph and a table, either of
// which may be empty. A lone cell is a paragraph; a first row that holds one
// value only (a title, often merged across the table) is the title; the
// rest is a table with its first row as header.
func (r cellRange) markdown(cells map[cellPos]string) (title, table string) {
	if area := int64(r.bottom-r.top+1) * int64(r.right-r.left+1); area > maxBlockArea {
		// Padding such a block to a table would multiply its size; its
		// rows are written as lines instead.
		var lines []string
		for _, row := range r.sparseRows(cells) {
			lines = append(lines, strings.Join(row, " | "))
		}
		return "", strings.Join(lines, "\n\n")
	}
	rows := r.grid(cells)
	if len(rows) > 0 && (len(rows) == 1 || len(rows[0]) > 1) {
		if v, ok := singleValue(rows[0]); ok {
			title, rows = v, rows[1:]
		}
	}
	rows = dropEmptyColumns(rows)
	if len(rows) == 1 {
		if v, ok := singleValue(rows[0]); ok && len(rows[0]) == 1 {
			return joinBlocks(title, v), ""
		}
	}
	return title, format.Table(rows)
}

// grid lays the block out cell by cell, without its empty rows.
func (r cellRange) grid(cells map[cellPos]string) [][]string {
	var rows [][]string
	for row := r.top; row <= r.bottom; row++ {
		line := make([]string, 0, r.right-r.left+1)
		empty := true
		for col := r.left; col <= r.right; col++ {
			v := cells[cellPos{row, col}]
			empty = empty && v == ""
			line = append(line, v)
		}
		if !empty {
			rows = append(rows, line)
		}
	}
	return rows
}

// sparseRows lists, for a block too large to lay out as a grid, each row's
// non-empty cells in column order.
func (r cellRange) sparseRows(cells map[cellPos]string) [][]string {
	var inside []cellPos
	for p := range cells {
		if p.row >= r.top && p.row <= r.bottom && p.col >= r.left && p.col <= r.right {
			inside = append(inside, p)
		}
	}
	sort.Slice(inside, func(i, j int) bool { return before(inside[i], inside[j]) })
	var rows [][]string
	for i, p := range inside {
		if i == 0 || p.row != inside[i-1].row {
			rows = append(rows, nil)
		}
		rows[len(rows)-1] = append(rows[len(rows)-1], cells[p])
	}
	return rows
}

// singleValue reports whether all non-empty cells of a row hold one same value.
func singleValue(row []string) (string, bool) {
	v := ""
	for _, c := range row {
		switch {
		case c == "":
		case v == "":
			v = c
		case c != v:
			return "", false
		}
	}
	return v, v != ""
}

func joinBlocks(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "\n\n" + b
}

// dropEmptyColumns removes columns that are empty in every row (left over
// when a merged title is wider than the table under it).
func dropEmptyColumns(rows [][]string) [][]string {
	if len(rows) == 0 {
		return rows
	}
	var keep []int
	for c := range rows[0] {
		for _, r := range rows {
			if r[c] != "" {
				keep = append(keep, c)
				break
			}
		}
	}
	if len(keep) == len(rows[0]) {
		return rows
	}
	out := make([][]string, len(rows))
	for i, r := range rows {
		for _, c := range keep {
			out[i] = append(out[i], r[c])
		}
	}
	return out
}
