package web

import (
	"errors"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/curatore/curatore/internal/extract/format"
)

// plainText is the fallback for HTML the parser refuses (it stops at 512
// open elements): the text of the document, a paragraph per block element,
// read with the tokenizer, which keeps no stack.
func plainText(text string) string {
	z := html.NewTokenizer(strings.NewReader(text))
	var b strings.Builder
	skip := 0 // inside script, style, …
	for {
		switch z.Next() {
		case html.ErrorToken:
			return format.Tidy(b.String())
		case html.TextToken:
			if skip == 0 {
				b.WriteString(strings.Join(strings.Fields(string(z.Text())), " "))
				b.WriteString(" ")
			}
		case html.StartTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if dropped[a] {
				if z.Token().Type == html.StartTagToken {
					skip++
				} else if skip > 0 {
					skip--
				}
				continue
			}
			if isBlock(a) {
				b.WriteString("\n\n")
			}
		}
	}
}

func isBlock(a atom.Atom) bool {
	switch a {
	case atom.P, atom.Div, atom.Br, atom.Li, atom.Tr, atom.Table, atom.H1, atom.H2, atom.H3, atom.H4,
		atom.H5, atom.H6, atom.Section, atom.Article, atom.Blockquote, atom.Pre, atom.Ul, atom.Ol, atom.Hr:
		return true
	}
	return false
}

// isTooDeep reports the parser's refusal of very deep nesting.
func isTooDeep(err error) bool {
	return err != nil && strings.Contains(err.Error(), "open stack of elements exceeds")
}

var errTooDeep = errors.New("nested too deeply")
