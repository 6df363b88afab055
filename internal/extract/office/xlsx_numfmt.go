package office

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// numFmt is the display class of a cell style's number format. Only what
// changes the words a reader sees is kept: dates and times are shown in
// ISO form, percentages multiplied out, everything else as the plain value
// (without thousands separators or currency signs, which only fragment
// numbers into tokens).
type numFmt struct {
	kind     fmtKind
	decimals int // for percentages
}

type fmtKind int

const (
	fmtGeneral fmtKind = iota
	fmtDate
	fmtTime
	fmtDateTime
	fmtPercent
)

// parseCellFormats reads styles.xml into the per-style number formats (cellXfs order).
func parseCellFormats(root *node) []numFmt {
	if root == nil {
		return nil
	}
	custom := map[string]string{}
	for _, f := range root.path("styleSheet", "numFmts").all("numFmt") {
		custom[f.attr("numFmtId")] = f.attr("formatCode")
	}
	var out []numFmt
	for _, xf := range root.path("styleSheet", "cellXfs").Children {
		if xf.Name != "xf" {
			continue
		}
		id := xf.attr("numFmtId")
		code, ok := custom[id]
		if !ok {
			out = append(out, builtinFormat(atoiOr(id, 0)))
			continue
		}
		out = append(out, classifyFormat(code))
	}
	return out
}

// builtinFormat classifies the predefined format IDs (ECMA-376 18.8.30).
func builtinFormat(id int) numFmt {
	switch {
	case id == 9:
		return numFmt{kind: fmtPercent}
	case id == 10:
		return numFmt{kind: fmtPercent, decimals: 2}
	case id >= 14 && id <= 17, id >= 27 && id <= 31, id >= 34 && id <= 36, id >= 50 && id <= 58:
		return numFmt{kind: fmtDate}
	case id >= 18 && id <= 21, id >= 45 && id <= 47, id == 32, id == 33:
		return numFmt{kind: fmtTime}
	case id == 22:
		return numFmt{kind: fmtDateTime}
	}
	return numFmt{}
}

// classifyFormat looks at a custom format code outside quotes, escapes and
// colour/condition brackets.
func classifyFormat(code string) numFmt {
	code, _, _ = strings.Cut(code, ";") // the positive section decides
	var plain strings.Builder
	inQuote, inBracket := false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '\\' || c == '_' || c == '*':
			i++ // the next character is literal or padding
		case c == '[':
			inBracket = true
			if strings.HasPrefix(strings.ToLower(code[i:]), "[h") || strings.HasPrefix(strings.ToLower(code[i:]), "[m") ||
				strings.HasPrefix(strings.ToLower(code[i:]), "[s") {
				plain.WriteByte('h') // elapsed time
			}
		case c == ']':
			inBracket = false
		case !inBracket:
			plain.WriteByte(c | 0x20)
		}
	}
	p := plain.String()
	hasDate := strings.ContainsAny(p, "yd") || (strings.Contains(p, "m") && !strings.ContainsAny(p, "hs"))
	hasTime := strings.ContainsAny(p, "hs")
	switch {
	case hasDate && hasTime:
		return numFmt{kind: fmtDateTime}
	case hasDate:
		return numFmt{kind: fmtDate}
	case hasTime:
		return numFmt{kind: fmtTime}
	case strings.Contains(p, "%"):
		dec := 0
		if i := strings.IndexByte(p, '.'); i >= 0 {
			dec = strings.Count(p[i:], "0")
		}
		return numFmt{kind: fmtPercent, decimals: dec}
	}
	return numFmt{}
}

// format renders a numeric cell value.
func (f numFmt) format(v float64, date1904 bool) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return ""
	}
	switch f.kind {
	case fmtPercent:
		return strconv.FormatFloat(v*100, 'f', f.decimals, 64) + "%"
	case fmtDate, fmtTime, fmtDateTime:
		if t, ok := excelTime(v, date1904); ok {
			switch {
			case f.kind == fmtTime && v < 1:
				return t.Format("15:04:05")
			case f.kind == fmtDate || t.Hour()+t.Minute()+t.Second() == 0:
				return t.Format("2006-01-02")
			}
			return t.Format("2006-01-02 15:04:05")
		}
	}
	return generalNumber(v)
}

// generalNumber prints v like Excel's General format: at most 15
// significant digits, no exponent for ordinary magnitudes.
func generalNumber(v float64) string {
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	if err != nil {
		r = v
	}
	if a := math.Abs(r); a != 0 && (a >= 1e15 || a < 1e-9) {
		return strconv.FormatFloat(r, 'g', -1, 64)
	}
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// excelTime converts a serial date. Serial 60 is the 1900 leap-year bug.
func excelTime(v float64, date1904 bool) (time.Time, bool) {
	if v < 0 || v > 2958465 { // 9999-12-31
		return time.Time{}, false
	}
	base := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC)
	if date1904 {
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, time.UTC)
	} else if v < 61 {
		base = base.AddDate(0, 0, 1) // before the phantom 1900-02-29
	}
	days := math.Floor(v)
	secs := math.Round((v - days) * 86400)
	return base.AddDate(0, 0, int(days)).Add(time.Duration(secs) * time.Second), true
}
