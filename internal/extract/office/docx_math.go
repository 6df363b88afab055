package office

import "strings"

// mathSymbols maps characters common in Office equations to LaTeX commands.
var mathSymbols = strings.NewReplacer(
	"π", `\pi `, "∞", `\infty `, "×", `\times `, "±", `\pm `, "≤", `\leq `, "≥", `\geq `,
	"≠", `\neq `, "α", `\alpha `, "β", `\beta `, "γ", `\gamma `, "δ", `\delta `, "θ", `\theta `,
	"λ", `\lambda `, "μ", `\mu `, "σ", `\sigma `, "Σ", `\Sigma `, "…", `\ldots `, "·", `\cdot `,
)

// mathLatex renders an Office Math (OMML) subtree as LaTeX. Only the common
// structures are mapped (fractions, scripts, radicals, n-ary operators,
// delimiters, functions); anything else contributes its text.
func mathLatex(n *node) string {
	var b strings.Builder
	for _, c := range n.Children {
		b.WriteString(mathElem(c))
	}
	return strings.TrimSpace(b.String())
}

func mathElem(c *node) string {
	arg := func(name string) string { return mathLatex(c.child(name)) }
	switch c.Name {
	case "r":
		var b strings.Builder
		for _, t := range c.all("t") {
			b.WriteString(t.Text)
		}
		return mathSymbols.Replace(b.String())
	case "f":
		return `\frac{` + arg("num") + "}{" + arg("den") + "}"
	case "sSup":
		return arg("e") + "^{" + arg("sup") + "}"
	case "sSub":
		return arg("e") + "_{" + arg("sub") + "}"
	case "sSubSup":
		return arg("e") + "_{" + arg("sub") + "}^{" + arg("sup") + "}"
	case "rad":
		return `\sqrt{` + arg("e") + "}"
	case "nary":
		return naryLatex(c)
	case "d":
		open, end := "(", ")"
		if pr := c.child("dPr"); pr != nil {
			if bc := pr.child("begChr"); bc != nil {
				open = bc.attr("val")
			}
			if ec := pr.child("endChr"); ec != nil {
				end = ec.attr("val")
			}
		}
		var parts []string
		for _, e := range c.Children {
			if e.Name == "e" {
				parts = append(parts, mathLatex(e))
			}
		}
		return `\left` + latexDelim(open) + strings.Join(parts, ",") + `\right` + latexDelim(end)
	case "func":
		return mathLatex(c.child("fName")) + "(" + arg("e") + ")"
	case "rPr", "ctrlPr", "fPr", "sSupPr", "sSubPr", "naryPr", "dPr", "funcPr", "radPr", "deg":
		return ""
	}
	return mathLatex(c)
}

func naryLatex(c *node) string {
	op := `\int`
	if ch := c.path("naryPr", "chr"); ch != nil {
		switch ch.attr("val") {
		case "∑":
			op = `\sum`
		case "∏":
			op = `\prod`
		case "∮":
			op = `\oint`
		}
	}
	s := op
	if sub := mathLatex(c.child("sub")); sub != "" {
		s += "_{" + sub + "}"
	}
	if sup := mathLatex(c.child("sup")); sup != "" {
		s += "^{" + sup + "}"
	}
	if s == op {
		s += " "
	}
	return s + mathLatex(c.child("e"))
}

// latexDelim escapes braces and maps an empty delimiter to LaTeX's ".".
func latexDelim(d string) string {
	switch d {
	case "":
		return "."
	case "{", "}":
		return `\` + d
	}
	return d
}
