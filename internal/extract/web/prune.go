package web

import (
	"strings"

	htmltomarkdown "github.com/JohannesKaufmann/html-to-markdown/v2/converter"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxDepth is how deeply elements may nest before a subtree is flattened to
// its text. Real pages stay far below it; the renderer recurses per level.
const maxDepth = 200

// dropped are elements whose content is never document text.
var dropped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Svg: true, atom.Canvas: true, atom.Iframe: true, atom.Object: true,
	atom.Embed: true,
}

// blockInCell are elements a GFM table cell cannot hold; the renderer
// gives up on a whole table that has one in a cell.
var blockInCell = map[atom.Atom]bool{
	atom.Table: true, atom.Ul: true, atom.Ol: true, atom.Blockquote: true, atom.Hr: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Pre: true, atom.Dl: true,
}

// prune removes non-text elements, flattens subtrees nested deeper than
// maxDepth and table cells holding block structure (nested tables, lists,
// headings) to their text, without recursion. Flattening such a cell keeps
// its words in the row; otherwise the whole table would be lost as a table.
func prune(doc *html.Node) {
	type item struct {
		n     *html.Node
		depth int
	}
	stack := []item{{doc, 0}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if it.depth >= maxDepth || isCell(it.n) && hasBlock(it.n) {
			flatten(it.n)
			continue
		}
		for c := it.n.FirstChild; c != nil; {
			next := c.NextSibling
			if c.Type == html.ElementNode && dropped[c.DataAtom] {
				it.n.RemoveChild(c)
			} else {
				stack = append(stack, item{c, it.depth + 1})
			}
			c = next
		}
	}
}

func isCell(n *html.Node) bool {
	return n.Type == html.ElementNode && (n.DataAtom == atom.Td || n.DataAtom == atom.Th)
}

// hasBlock reports whether a descendant of n is in blockInCell.
func hasBlock(n *html.Node) bool {
	stack := []*html.Node{n.FirstChild}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for ; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && blockInCell[c.DataAtom] {
				return true
			}
			if c.FirstChild != nil {
				stack = append(stack, c.FirstChild)
			}
		}
	}
	return false
}

// flatten replaces the children of n by one text node holding their text,
// words separated by single spaces.
func flatten(n *html.Node) {
	var b strings.Builder
	stack := []*html.Node{n}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
			b.WriteString(" ")
			continue
		}
		if c.Type == html.ElementNode && dropped[c.DataAtom] {
			continue
		}
		// Push children last-first so they pop in document order.
		for k := c.LastChild; k != nil; k = k.PrevSibling {
			stack = append(stack, k)
		}
	}
	for n.FirstChild != nil {
		n.RemoveChild(n.FirstChild)
	}
	n.AppendChild(&html.Node{Type: html.TextNode, Data: strings.Join(strings.Fields(b.String()), " ")})
}

// renderImage writes an image as its alt text (when it has one) followed by
// an <!-- image --> placeholder: a RAG index wants the words, not the URL.
func renderImage(ctx htmltomarkdown.Context, w htmltomarkdown.Writer, n *html.Node) htmltomarkdown.RenderStatus {
	alt := ""
	for _, a := range n.Attr {
		if a.Key == "alt" {
			alt = strings.Join(strings.Fields(a.Val), " ")
		}
	}
	if alt != "" {
		w.Write(ctx.EscapeContent([]byte(alt)))
		w.WriteString(" ")
	}
	w.WriteString("<!-- image -->")
	return htmltomarkdown.RenderSuccess
}

// renderInlineTag keeps an inline element as HTML around its rendered
// content, on the same line.
func renderInlineTag(ctx htmltomarkdown.Context, w htmltomarkdown.Writer, n *html.Node) htmltomarkdown.RenderStatus {
	w.WriteString("<" + n.Data + ">")
	ctx.RenderChildNodes(ctx, w, n)
	w.WriteString("</" + n.Data + ">")
	return htmltomarkdown.RenderSuccess
}
