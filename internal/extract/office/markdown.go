package office

import "strings"

// mdWriter assembles Markdown blocks: blocks are separated by a blank line,
// consecutive items of one list by a single newline.
type mdWriter struct {
	b        strings.Builder
	listKey  string // list of the last item written, "" after a non-list block
	anyBlock bool
}

// block writes a paragraph-level block.
func (w *mdWriter) block(s string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return
	}
	w.sep("\n\n")
	w.b.WriteString(s)
	w.listKey = ""
}

// item writes a list item line; key identifies the list it belongs to.
func (w *mdWriter) item(key, line string) {
	if w.listKey != "" && w.listKey == key {
		w.sep("\n")
	} else {
		w.sep("\n\n")
	}
	w.b.WriteString(line)
	w.listKey = key
}

func (w *mdWriter) sep(s string) {
	if w.anyBlock {
		w.b.WriteString(s)
	}
	w.anyBlock = true
}

// String returns the Markdown written so far.
func (w *mdWriter) String() string { return w.b.String() + "\n" }
