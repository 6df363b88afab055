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
func (sd *sheetData) blocks() []cellRange {
	seen := make(map[cellPos]bool, len(sd.cells))
	var boxes []cellRange
	for start := range sd.cells {
		if seen[start] {
			continue
		}
		box := cellRange{start.row, start.col, start.row, start.col}
		stack := []cellPos{start}
		seen[start] = true
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			box = box.grow(p)
			for _, n := range [4]cellPos{{p.row - 1, p.col}, {p.row + 1, p.col}, {p.row, p.col - 1}, {p.row, p.col + 1}} {
				if _, ok := sd.cells[n]; ok && !seen[n] {
					seen[n] = true
					stack = append(stack, n)
				}
			}
		}
		boxes = append(boxes, box)
	}
	boxes = joinOverlapping(boxes)
	sort.Slice(boxes, func(i, j int) bool {
		if boxes[i].top != boxes[j].top {
			return boxes[i].top < boxes[j].top
		}
		return boxes[i].left < boxes[j].left
	})
	return boxes
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
