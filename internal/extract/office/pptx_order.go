package office

import (
	"sort"
	"strconv"
)

// point is a shape's top-left corner in EMU.
type point struct{ x, y int64 }

// placeholder is what a slide's placeholder inherits from its layout and
// master: a position and a list style (which says whether levels are bulleted).
type placeholder struct {
	pos      point
	hasPos   bool
	lstStyle *node
}

// inherited returns the placeholders a slide inherits from its layout and
// master, keyed by placeholderKey; the layout's override the master's.
// Parts are parsed once per presentation.
func (c *pptx) inherited(slideRels map[string]rel) map[string]placeholder {
	out := map[string]placeholder{}
	merge := func(part string) {
		for k, v := range c.placeholders(part) {
			old := out[k]
			if !v.hasPos {
				v.pos, v.hasPos = old.pos, old.hasPos
			}
			if v.lstStyle == nil {
				v.lstStyle = old.lstStyle
			}
			out[k] = v
		}
	}
	for _, r := range relsOfType(slideRels, "slideLayout") {
		layoutRels, _ := c.p.rels(r.Target)
		for _, m := range relsOfType(layoutRels, "slideMaster") {
			merge(m.Target)
		}
		merge(r.Target)
	}
	return out
}

func (c *pptx) placeholders(part string) map[string]placeholder {
	if m, ok := c.places[part]; ok {
		return m
	}
	m := map[string]placeholder{}
	c.places[part] = m
	root, err := readXMLPart(c.p, part)
	if err != nil || root == nil {
		return m
	}
	for _, sh := range root.all("sp") {
		var ph placeholder
		ph.pos, ph.hasPos = ownPosition(sh)
		if ls := sh.path("txBody", "lstStyle"); ls != nil && len(ls.Children) > 0 {
			ph.lstStyle = ls
		}
		for _, k := range placeholderKeys(sh) {
			m[k] = ph
		}
	}
	return m
}

// inheritedFor returns the inherited placeholder of a shape, if any.
func inheritedFor(sh *node, inh map[string]placeholder) (placeholder, bool) {
	for _, k := range placeholderKeys(sh) {
		if ph, ok := inh[k]; ok {
			return ph, true
		}
	}
	return placeholder{}, false
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
func orderShapes(tree *node, inh map[string]placeholder, rowTol int64) []*node {
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
		if ph, found := inheritedFor(sh, inh); !ok && found {
			pos, ok = ph.pos, ph.hasPos
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
