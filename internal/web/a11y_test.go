package web

import (
	"strings"

	"golang.org/x/net/html"
)

// unlabelled returns the ids (or names) of the form controls in a page that
// no <label for> and no aria-label names.
func unlabelled(page string) []string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return []string{"(unparsable page: " + err.Error() + ")"}
	}
	labels := map[string]bool{}
	var controls []*html.Node
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "label":
				labels[attr(n, "for")] = true
			case "input":
				if t := attr(n, "type"); t != "hidden" && t != "submit" && t != "button" {
					controls = append(controls, n)
				}
			case "select", "textarea":
				controls = append(controls, n)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	var out []string
	for _, c := range controls {
		id := attr(c, "id")
		if (id == "" || !labels[id]) && attr(c, "aria-label") == "" {
			out = append(out, c.Data+"#"+id+"[name="+attr(c, "name")+"]")
		}
	}
	return out
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}
