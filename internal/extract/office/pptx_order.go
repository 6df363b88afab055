package office

import (
	"sort"
	"strconv"
)

// point is a shape's top-left corner in EMU.
type point struct{ x, y int64 }

// layoutPositions returns the placeholder positions a slide inherits from
// its layout and master, keyed by placeholderKey. Parts are parsed once.
func (c *pptx) layoutPositions(slideRels map[string]rel) map[string]point {
	out := map[string]point{}
	for _, r := range relsOfType(slideRels, "slideLayout") {
		layoutRels, _ := c.p.rels(r.Target)
		for _, m := range relsOfType(layoutRels, "slideMaster") {
			for k, v := range c.placeholderPositions(m.Target) {
				out[k] = v
			}
		}
		for k, v := range c.placeholderPositions(r.Target) {
			out[k] = v
		}
	}
	return out
}

func (c *pptx) placeholderPositions(part string) map[string]point {
	if m, ok := c.places[part]; ok {
		return m
	}
	m := map[string]point{}
	c.places[part] = m
	root, err := readXMLPart(c.p, part)
	if err != nil || root == nil {
		return m
	}
	for _, sh := range root.all("sp") {
		if pt, ok := ownPosition(sh); ok {
			for _, k := range placeholderKeys(sh) {
				m[k] = pt
			}
		}
	}
	return m
}

// placeholderKeys are the keys under which a placeholder is matched with
// its layout: by idx, and by type.
func placeholderKeys(sh *node) []string {
	ph := sh.path("nvSpPr", "nvPr", "ph")
	if ph == nil {
		return nil
	}
	var keys []string
	if idx := ph.attr("idx"); idx != "" {
		keys = append(keys, "idx:"+idx)
	}
	t := placeholderType(sh)
	if t == "ctrTitle" {
		t = "title"
	}
	return append(keys, "type:"+t)
}

// ownPosition reads a shape's xfrm offset.
func ownPosition(sh *node) (point, bool) {
	var xfrm *node
	switch sh.Name {
	case "grpSp":
		xfrm = sh.path("grpSpPr", "xfrm")
	case "graphicFrame":
		xfrm = sh.child("xfrm")
	default:
		xfrm = sh.path("spPr", "xfrm")
	}
	off := xfrm.child("off")
	if off == nil {
		return point{}, false
	}
	x, errX := strconv.ParseInt(off.attr("x"), 10, 64)
	y, errY := strconv.ParseInt(off.attr("y"), 10, 64)
	return point{x, y}, errX == nil && errY == nil
}

// orderShapes returns the shapes of a tree or group in reading order: in
// rows top to bottom, each row left to right, where shapes whose tops are
// less than rowTol apart share a row. A shape without a position of its own
// or from its layout keeps its place after the shape before it.
func orderShapes(tree *node, layout map[string]point, rowTol int64) []*node {
	type placed struct {
		sh  *node
		pos point
	}
	var shapes []placed
	var last point
	for _, sh := range tree.Children {
		switch sh.Name {
		case "sp", "grpSp", "graphicFrame", "pic", "cxnSp":
		default:
			continue
		}
		pos, ok := ownPosition(sh)
		for _, k := range placeholderKeys(sh) {
			if ok {
				break
			}
			pos, ok = layout[k]
		}
		if !ok {
			pos = last
		}
		last = pos
		shapes = append(shapes, placed{sh, pos})
	}
	sort.SliceStable(shapes, func(i, j int) bool { return shapes[i].pos.y < shapes[j].pos.y })
	for start := 0; start < len(shapes); {
		end := start + 1
		for end < len(shapes) && shapes[end].pos.y-shapes[start].pos.y < rowTol {
			end++
		}
		row := shapes[start:end]
		sort.SliceStable(row, func(i, j int) bool { return row[i].pos.x < row[j].pos.x })
		start = end
	}
	out := make([]*node, len(shapes))
	for i, s := range shapes {
		out[i] = s.sh
	}
	return out
}
