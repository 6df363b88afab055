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
	atom.Embed: true, atom.Select: true, atom.Datalist: true,
}

// prune removes non-text elements and flattens subtrees nested deeper than
// maxDepth, without recursion.
func prune(doc *html.Node) {
	type item struct {
		n     *html.Node
		depth int
	}
	stack := []item{{doc, 0}}
	for len(stack) > 0 {
		it := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if it.depth >= maxDepth {
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

// flatten replaces the children of n by one text node holding their text.
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
	n.AppendChild(&html.Node{Type: html.TextNode, Data: b.String()})
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
