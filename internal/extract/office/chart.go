package office

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/curatore/curatore/internal/extract/format"
)

// maxChartPoints bounds the rows of one chart's data table.
const maxChartPoints = 2_000

// chartMarkdown renders a chart part (DrawingML chart, used by Excel and
// PowerPoint) as its title, an image placeholder, its kind ("Line chart")
// and the cached data as a table: categories down, series across. A chart
// without cached data is only the placeholder.
func chartMarkdown(p *pkg, part string) string {
	root, err := readXMLPart(p, part)
	if err != nil || root == nil {
		return "<!-- image -->"
	}
	chart := root.path("chartSpace", "chart")
	var out mdWriter
	out.block(strings.Join(strings.Fields(textOf(chart.path("title", "tx"))), " "))
	out.block("<!-- image -->")
	plot := chart.child("plotArea")
	for _, kind := range plot.Children {
		if !strings.HasSuffix(kind.Name, "Chart") {
			continue
		}
		out.block(chartKindName(kind.Name))
		out.block(format.Table(chartTable(kind)))
	}
	return strings.TrimSpace(out.String())
}

// chartKindName turns "lineChart" / "bar3DChart" into "Line chart" / "Bar 3D chart".
func chartKindName(name string) string {
	base := strings.TrimSuffix(name, "Chart")
	var b strings.Builder
	for i, r := range base {
		prev := rune(0)
		if i > 0 {
			prev = rune(base[i-1])
		}
		if i > 0 && (unicode.IsUpper(r) && !unicode.IsDigit(prev) || unicode.IsDigit(r) && !unicode.IsDigit(prev)) {
			b.WriteByte(' ')
		}
		if i == 0 {
			r = unicode.ToUpper(r)
		}
		b.WriteRune(r)
	}
	return b.String() + " chart"
}

// chartTable builds the data table of one plot (lineChart, barChart, …).
func chartTable(plot *node) [][]string {
	header := []string{""}
	var cats []string
	var series [][]string
	for _, ser := range plot.Children {
		if ser.Name != "ser" {
			continue
		}
		name := strings.TrimSpace(textOf(ser.child("tx")))
		if name == "" {
			name = "Series " + itoa(len(series)+1)
		}
		header = append(header, name)
		catNode := ser.child("cat")
		if catNode == nil {
			catNode = ser.child("xVal")
		}
		if c := chartPoints(catNode); len(c) > len(cats) {
			cats = c
		}
		valNode := ser.child("val")
		if valNode == nil {
			valNode = ser.child("yVal")
		}
		series = append(series, chartPoints(valNode))
	}
	if len(series) == 0 {
		return nil
	}
	n := len(cats)
	for _, s := range series {
		n = max(n, len(s))
	}
	rows := [][]string{header}
	for i := range min(n, maxChartPoints) {
		row := []string{itoa(i + 1)}
		if i < len(cats) && cats[i] != "" {
			row[0] = cats[i]
		}
		for _, s := range series {
			v := ""
			if i < len(s) {
				v = s[i]
			}
			row = append(row, v)
		}
		rows = append(rows, row)
	}
	return rows
}

// chartPoints reads the cached points (c:pt idx / c:v) of a data reference.
func chartPoints(ref *node) []string {
	var out []string
	for _, pt := range ref.all("pt") {
		idx := atoiOr(pt.attr("idx"), len(out))
		if idx < 0 || idx >= maxChartPoints {
			continue
		}
		for len(out) <= idx {
			out = append(out, "")
		}
		v := strings.TrimSpace(pt.child("v").Text)
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			v = generalNumber(f)
		}
		out[idx] = v
	}
	return out
}

// textOf concatenates all text below n (a:t runs and c:v values).
func textOf(n *node) string {
	if n == nil {
		return ""
	}
	var b strings.Builder
	var walk func(*node)
	walk = func(x *node) {
		if x.Name == "t" || x.Name == "v" {
			b.WriteString(x.Text)
			b.WriteByte(' ')
		}
		for _, c := range x.Children {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}
