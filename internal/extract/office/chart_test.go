package office

import "testing"

func TestChartKindName(t *testing.T) {
	tests := map[string]string{
		"lineChart":     "Line chart",
		"bar3DChart":    "Bar 3D chart",
		"scatterChart":  "Scatter chart",
		"doughnutChart": "Doughnut chart",
	}
	for in, want := range tests {
		if got := chartKindName(in); got != want {
			t.Errorf("chartKindName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestXLSXChart anchors a chart below a table and expects its data after the table.
func TestXLSXChart(t *testing.T) {
	const nsC = `http://schemas.openxmlformats.org/drawingml/2006/chart`
	members := map[string]string{
		"_rels/.rels":                `<Relationships><Relationship Id="rId1" Type="` + relDoc + `" Target="xl/workbook.xml"/></Relationships>`,
		"xl/workbook.xml":            `<workbook xmlns="` + nsX + `" xmlns:r="` + nsR + `"><sheets><sheet name="S" r:id="rId1"/></sheets></workbook>`,
		"xl/_rels/workbook.xml.rels": `<Relationships><Relationship Id="rId1" Type="` + nsR + `/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
		"xl/worksheets/sheet1.xml": `<worksheet xmlns="` + nsX + `"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>k</t></is></c>` +
			`<c r="B1" t="inlineStr"><is><t>v</t></is></c></row><row r="2"><c r="A2"><v>1</v></c><c r="B2"><v>2</v></c></row></sheetData></worksheet>`,
		"xl/worksheets/_rels/sheet1.xml.rels": `<Relationships><Relationship Id="rId1" Type="` + nsR + `/drawing" Target="../drawings/drawing1.xml"/></Relationships>`,
		"xl/drawings/drawing1.xml": `<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" xmlns:c="` + nsC + `" xmlns:r="` + nsR + `">` +
			`<xdr:twoCellAnchor><xdr:from><xdr:col>0</xdr:col><xdr:row>5</xdr:row></xdr:from><xdr:graphicFrame><a:graphic xmlns:a="` + nsA + `"><a:graphicData>` +
			`<c:chart r:id="rId1"/></a:graphicData></a:graphic></xdr:graphicFrame></xdr:twoCellAnchor></xdr:wsDr>`,
		"xl/drawings/_rels/drawing1.xml.rels": `<Relationships><Relationship Id="rId1" Type="` + nsR + `/chart" Target="../charts/chart1.xml"/></Relationships>`,
		"xl/charts/chart1.xml": `<c:chartSpace xmlns:c="` + nsC + `" xmlns:a="` + nsA + `"><c:chart><c:title><c:tx><c:rich><a:p><a:r><a:t>Sales</a:t></a:r></a:p></c:rich></c:tx></c:title>` +
			`<c:plotArea><c:barChart><c:ser><c:tx><c:v>v</c:v></c:tx><c:cat><c:strRef><c:strCache><c:pt idx="0"><c:v>Q1</c:v></c:pt><c:pt idx="1"><c:v>Q2</c:v></c:pt></c:strCache></c:strRef></c:cat>` +
			`<c:val><c:numRef><c:numCache><c:pt idx="0"><c:v>1.50</c:v></c:pt><c:pt idx="1"><c:v>2</c:v></c:pt></c:numCache></c:numRef></c:val></c:ser></c:barChart></c:plotArea></c:chart></c:chartSpace>`,
	}
	md := convertOK(t, buildZip(t, members), ".xlsx").Markdown
	mustContain(t, md, "| k | v |\n|---|---|\n| 1 | 2 |\n\nSales\n\n<!-- image -->\n\nBar chart\n\n|  | v |\n|---|---|\n| Q1 | 1.5 |\n| Q2 | 2 |")
}
