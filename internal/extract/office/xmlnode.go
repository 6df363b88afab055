package office

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"sort"
	"strings"

	"github.com/curatore/curatore/internal/extract/format"
)

// Limits on one parsed XML part. Real documents nest a few dozen levels and
// hold far fewer elements; the caps turn pathological input into an error
// instead of unbounded memory or stack.
const (
	maxDepth = 512
	maxNodes = 4_000_000
	maxText  = 4 << 20 // characters kept in one element
)

// node is an element of a parsed XML part. Names are local names; the
// namespace is reduced to a short canonical prefix (see nsPrefix) so that
// Strict and Transitional OOXML look the same.
type node struct {
	Name     string
	NS       string
	Attrs    []xml.Attr // Name.Space holds the canonical prefix
	Children []*node
	Text     string // character data directly inside the element
}

// attr returns the value of an attribute by local name, optionally with a
// canonical prefix ("w:val", "r:id"). A bare name matches any namespace.
func (n *node) attr(name string) string {
	if n == nil {
		return ""
	}
	ns, local, found := strings.Cut(name, ":")
	if !found {
		local, ns = ns, ""
	}
	for _, a := range n.Attrs {
		if a.Name.Local == local && (ns == "" || a.Name.Space == ns) {
			return a.Value
		}
	}
	return ""
}

// child returns the first direct child with the local name, or nil.
func (n *node) child(name string) *node {
	if n == nil {
		return nil
	}
	for _, c := range n.Children {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// path follows a chain of child names.
func (n *node) path(names ...string) *node {
	for _, name := range names {
		n = n.child(name)
	}
	return n
}

// all returns every descendant (depth first, document order) with the local name.
func (n *node) all(name string) []*node {
	var out []*node
	var walk func(*node)
	walk = func(x *node) {
		for _, c := range x.Children {
			if c.Name == name {
				out = append(out, c)
			}
			walk(c)
		}
	}
	if n != nil {
		walk(n)
	}
	return out
}

// nsPrefix maps a namespace URI, Transitional or Strict, to a short prefix.
func nsPrefix(uri string) string {
	switch {
	case uri == "":
		return ""
	case strings.Contains(uri, "markup-compatibility"):
		return "mc"
	case strings.HasSuffix(uri, "/math"):
		return "m"
	case strings.HasSuffix(uri, "/relationships"):
		return "r"
	case strings.Contains(uri, "wordprocessingml"):
		return "w"
	case strings.Contains(uri, "presentationml"):
		return "p"
	case strings.Contains(uri, "spreadsheetml"):
		return "x"
	case strings.Contains(uri, "drawingml"):
		return "a"
	}
	return "?"
}

var errTooDeep = errors.New("xml nesting too deep")

// parseXML builds the element tree of one part. mc:AlternateContent is
// resolved while parsing: the first mc:Choice is kept (or the mc:Fallback if
// there is no choice), so content is never taken twice.
//
// It reads raw tokens and resolves namespace prefixes itself, straight to
// the canonical prefixes: encoding/xml's own translation costs a third of
// the parse time on large parts such as styles.xml.
func parseXML(ctx context.Context, data []byte) (*node, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = false
	root := &node{}
	stack := []*node{root}
	var ns nsStack
	count := 0
	for tokens := 1; ; tokens++ {
		if tokens%65536 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			if len(root.Children) > 0 {
				break // keep what parsed; truncated parts are common in damaged files
			}
			return nil, &format.Error{Code: format.CodeCorrupt, Detail: "malformed XML", Err: err}
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			if count++; count > maxNodes {
				return nil, format.Errorf(format.CodeTooLarge, "XML part has more than %d elements", maxNodes)
			}
			if len(stack) > maxDepth {
				return nil, &format.Error{Code: format.CodeCorrupt, Detail: "malformed XML", Err: errTooDeep}
			}
			if skipElements[t.Name.Local] {
				if err := skipElement(dec); err != nil {
					break
				}
				continue
			}
			n := ns.open(t)
			top.Children = append(top.Children, n)
			stack = append(stack, n)
		case xml.EndElement:
			if len(stack) > 1 {
				stack = stack[:len(stack)-1]
				ns.close()
			}
		case xml.CharData:
			// Whitespace between elements is layout, except inside text elements.
			if top.Name != "t" && len(bytes.TrimSpace(t)) == 0 {
				continue
			}
			if len(top.Text) < maxText { // bounds repeated appends (text split by comments)
				top.Text += string(t)
			}
		}
	}
	resolveAlternates(root)
	return root, nil
}

// skipElements are formatting elements no converter reads (fonts, sizes,
// colours, borders, spacing, extension lists). Leaving them out of the tree
// halves its size for typical Word documents, whose styles.xml is mostly
// latent style definitions.
var skipElements = map[string]bool{
	"latentStyles": true, "rFonts": true, "lang": true, "color": true, "sz": true, "szCs": true,
	"kern": true, "spacing": true, "ind": true, "jc": true, "shd": true, "noProof": true,
	"tblBorders": true, "tcBorders": true, "pBdr": true, "tcMar": true, "tblCellMar": true,
	"effectLst": true, "solidFill": true, "ln": true, "latin": true, "ea": true, "cs": true,
	"extLst": true, "rsids": true, "tblLook": true, "tcW": true, "tblW": true, "cnfStyle": true,
}

// skipElement consumes the rest of an element whose start was just read.
func skipElement(dec *xml.Decoder) error {
	for depth := 1; depth > 0; {
		tok, err := dec.RawToken()
		if err != nil {
			return err
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
		case xml.EndElement:
			depth--
		}
	}
	return nil
}

// nsStack resolves namespace prefixes of raw tokens to canonical prefixes.
type nsStack struct {
	decls []nsDecl // in scope, innermost last
	marks []int    // len(decls) when each open element started
}

type nsDecl struct{ prefix, canon string }

// open turns a raw start element into a node, pushing its declarations.
func (s *nsStack) open(t xml.StartElement) *node {
	s.marks = append(s.marks, len(s.decls))
	for _, a := range t.Attr {
		switch {
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			s.decls = append(s.decls, nsDecl{"", nsPrefix(a.Value)})
		case a.Name.Space == "xmlns":
			s.decls = append(s.decls, nsDecl{a.Name.Local, nsPrefix(a.Value)})
		}
	}
	n := &node{Name: t.Name.Local, NS: s.lookup(t.Name.Space, true)}
	for _, a := range t.Attr {
		if a.Name.Space == "xmlns" || (a.Name.Space == "" && a.Name.Local == "xmlns") {
			continue
		}
		a.Name.Space = s.lookup(a.Name.Space, false)
		n.Attrs = append(n.Attrs, a)
	}
	return n
}

// close pops the declarations of the element that ends.
func (s *nsStack) close() {
	if len(s.marks) > 0 {
		s.decls = s.decls[:s.marks[len(s.marks)-1]]
		s.marks = s.marks[:len(s.marks)-1]
	}
}

// lookup resolves a prefix. Unprefixed attributes have no namespace;
// unprefixed elements take the default namespace.
func (s *nsStack) lookup(prefix string, element bool) string {
	if prefix == "" && !element {
		return ""
	}
	if prefix == "xml" {
		return "xml"
	}
	for i := len(s.decls) - 1; i >= 0; i-- {
		if s.decls[i].prefix == prefix {
			return s.decls[i].canon
		}
	}
	return "?"
}

// resolveAlternates replaces every mc:AlternateContent by the children of
// the branch it keeps.
func resolveAlternates(n *node) {
	var kids []*node
	changed := false
	for _, c := range n.Children {
		if c.Name == "AlternateContent" && c.NS == "mc" {
			changed = true
			if b := pickBranch(c); b != nil {
				for _, bc := range b.Children {
					resolveAlternates(bc)
				}
				kids = append(kids, b.Children...)
			}
			continue
		}
		resolveAlternates(c)
		kids = append(kids, c)
	}
	if changed {
		n.Children = kids
	}
}

func pickBranch(ac *node) *node {
	if c := ac.child("Choice"); c != nil {
		return c
	}
	return ac.child("Fallback")
}

func sortRels(rs []rel) {
	sort.Slice(rs, func(i, j int) bool { return relIDLess(rs[i].ID, rs[j].ID) })
}

// relIDLess orders "rId2" before "rId10".
func relIDLess(a, b string) bool {
	na, nb := trailingNumber(a), trailingNumber(b)
	if na != nb && na >= 0 && nb >= 0 {
		return na < nb
	}
	return a < b
}

func trailingNumber(s string) int {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
	}
	if i == len(s) || len(s)-i > 9 {
		return -1
	}
	n := 0
	for _, c := range s[i:] {
		n = n*10 + int(c-'0')
	}
	return n
}
