// Package web converts HTML documents to Markdown.
//
// Library choices:
//
//   - github.com/JohannesKaufmann/html-to-markdown/v2 renders the Markdown. It
//     is the maintained Go converter built on golang.org/x/net/html, handles
//     nested lists, code blocks, links and escaping the CommonMark way, and
//     its table plugin writes GFM tables (header promotion, colspan/rowspan
//     as empty cells). Writing our own renderer would only repeat it.
//   - golang.org/x/net/html/charset finds the encoding the way browsers do
//     (byte order mark, <meta charset>, then a guess: valid UTF-8 or else
//     windows-1252), and golang.org/x/text decodes it, so the output is UTF-8
//     whatever came in.
//
// Robustness: the document is parsed once with golang.org/x/net/html (an
// iterative parser), then pruned before rendering: scripts, styles, forms
// and embedded objects go, and subtrees nested deeper than maxDepth are
// flattened to their text, because the renderer recurses once per level.
// The renderer does not watch the context, so it runs in its own goroutine
// and Convert returns a timeout as soon as the context ends.
package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"

	htmltomarkdown "github.com/JohannesKaufmann/html-to-markdown/v2/converter"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/base"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/commonmark"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/strikethrough"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/table"
	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"github.com/curatore/curatore/internal/extract/format"
)

// converter is built on first use (not in init, to keep start-up fast) and
// shared: a Converter is safe for concurrent use.
var converter = sync.OnceValue(newConverter)

func newConverter() *htmltomarkdown.Converter {
	conv := htmltomarkdown.NewConverter(htmltomarkdown.WithPlugins(
		base.NewBasePlugin(),
		commonmark.NewCommonmarkPlugin(
			commonmark.WithHeadingStyle(commonmark.HeadingStyleATX),
			commonmark.WithBulletListMarker("-"),
			commonmark.WithCodeBlockFence("```"),
			commonmark.WithListEndComment(false),
			// A link without a target ("<a href>" used as a button) is just its text.
			commonmark.WithLinkEmptyHrefBehavior(commonmark.LinkBehaviorSkip),
		),
		strikethrough.NewStrikethroughPlugin(),
		table.NewTablePlugin(
			table.WithHeaderPromotion(true),
			table.WithSkipEmptyRows(true),
			table.WithNewlineBehavior(table.NewlineBehaviorPreserve),
			table.WithCellPaddingBehavior(table.CellPaddingBehaviorMinimal),
			// A spanned cell's text is repeated in every cell it covers, so
			// each row stands alone when a chunk holds only some rows.
			table.WithSpanCellBehavior(table.SpanBehaviorMirror),
		),
	))
	conv.Register.RendererFor("img", htmltomarkdown.TagTypeInline, renderImage, htmltomarkdown.PriorityEarly)
	// Markdown has no sub- or superscript; inline HTML keeps "H<sub>2</sub>O"
	// and "x<sup>2</sup>" apart from "H2O" and "x2" (GFM renders both tags).
	for _, tag := range []string{"sub", "sup"} {
		conv.Register.RendererFor(tag, htmltomarkdown.TagTypeInline, renderInlineTag, htmltomarkdown.PriorityEarly)
	}
	return conv
}

// Convert turns an HTML document into Markdown. The encoding is detected
// from a byte order mark or <meta charset>, else guessed.
func Convert(ctx context.Context, data []byte, opts format.Options) (out format.Output, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = format.Errorf(format.CodeCorrupt, "HTML could not be converted: %v", r)
		}
	}()
	text, err := Decode(data, "")
	if err != nil {
		return format.Output{}, err
	}
	var warnings []string
	md, err := render(ctx, text)
	if errors.Is(err, errTooDeep) {
		warnings = append(warnings, "HTML nested too deeply for a full parse; converted as plain text")
	} else if err != nil {
		return format.Output{}, err
	}
	md = format.TidyMarkdown(cellBreaks(md))
	if strings.TrimSpace(md) == "" {
		return format.Output{}, format.Errorf(format.CodeEmpty, "the HTML document has no text")
	}
	return format.Output{Markdown: md, Method: "html", Warnings: warnings}, nil
}

// render parses, prunes and converts in a goroutine so that a deadline is
// honoured even though neither the parser nor the renderer checks the
// context (both can be slow on hostile input).
func render(ctx context.Context, text string) (string, error) {
	type result struct {
		md  []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{err: format.Errorf(format.CodeCorrupt, "HTML could not be converted: %v", r)}
			}
		}()
		doc, err := html.Parse(strings.NewReader(text))
		if isTooDeep(err) {
			done <- result{md: []byte(plainText(text)), err: errTooDeep}
			return
		}
		if err != nil {
			done <- result{err: err}
			return
		}
		prune(doc)
		md, err := converter().ConvertNode(doc, htmltomarkdown.WithContext(ctx))
		done <- result{md, err}
	}()
	select {
	case r := <-done:
		if errors.Is(r.err, errTooDeep) {
			return string(r.md), r.err
		}
		if r.err != nil {
			return "", &format.Error{Code: format.CodeCorrupt, Detail: "HTML could not be converted", Err: r.err}
		}
		return string(r.md), nil
	case <-ctx.Done():
		return "", &format.Error{Code: format.CodeTimeout, Detail: "HTML conversion did not finish in time", Err: ctx.Err()}
	}
}

var brInCell = regexp.MustCompile(`\s*<br />\s*`)

// cellBreaks replaces the <br /> the table renderer puts for line breaks
// inside a cell by spaces: RAG indexes want plain text in cells.
func cellBreaks(md string) string {
	if !strings.Contains(md, "<br />") {
		return md
	}
	lines := strings.Split(md, "\n")
	for i, l := range lines {
		if strings.HasPrefix(l, "|") {
			lines[i] = brInCell.ReplaceAllString(l, " ")
		}
	}
	return strings.Join(lines, "\n")
}

// Decode returns HTML bytes as UTF-8 text. contentType may carry a charset
// parameter (from an HTTP header); otherwise the byte order mark, a <meta>
// declaration or a guess decides.
func Decode(data []byte, contentType string) (string, error) {
	enc, name, _ := charset.DetermineEncoding(data, contentType)
	if name == "utf-8" {
		data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
		return strings.ToValidUTF8(string(data), "\uFFFD"), nil
	}
	out, err := io.ReadAll(enc.NewDecoder().Reader(bytes.NewReader(data)))
	if err != nil {
		return "", &format.Error{Code: format.CodeCorrupt, Detail: fmt.Sprintf("cannot decode %s text", name), Err: err}
	}
	return strings.TrimPrefix(string(out), "\ufeff"), nil
}
