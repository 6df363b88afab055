package pipeline

import (
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The fact check compares a rewrite with its input: every number, date,
// URL and code span of the input must still be in the rewrite. Facts are
// normalised before they are compared, so a rewrite may reformat them:
//
//   - URLs: trailing punctuation and slash dropped, scheme and host in lower
//     case; found anywhere in the rewrite (a bare URL may become a link).
//   - Code: inline code spans and fenced blocks, white space collapsed; found
//     anywhere in the rewrite's text, fenced or not.
//   - Dates: ISO (2024-03-05), day-month-year and month-day-year with month
//     names ("5 March 2024", "March 5, 2024") all become 2024-03-05; a
//     date survives in any of these spellings.
//   - Numbers: thousands separators dropped ("1,500" = "1500"), trailing
//     decimal zeros dropped ("3.50" = "3.5"); whole numbers up to twelve may
//     also survive spelled out ("three"). Ordered-list markers are layout,
//     not facts, and the digits inside URLs, code and dates are checked as
//     part of those.

var (
	urlRE        = regexp.MustCompile(`https?://[^\s<>()\[\]"'` + "`" + `]+`)
	fenceBlockRE = regexp.MustCompile("(?ms)^[ \t]*(```|~~~)[^\n]*\n(.*?)^[ \t]*(```|~~~)[ \t]*$")
	codeSpanRE   = regexp.MustCompile("`([^`\n]+)`")
	yearRE       = regexp.MustCompile(`\d{4}`)
	isoDateRE    = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})(?:$|[^\d])`)
	dmyRE        = regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+(\d{4})$`)
	mdyRE        = regexp.MustCompile(`(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$`)
	numberRE     = regexp.MustCompile(`\d+(?:[,\x{202F}\x{00A0}]\d{3})*(?:\.\d+)?`)
	listNumRE    = regexp.MustCompile(`(?m)^[ \t]*\d{1,3}[.)][ \t]+`)
)

// facts are the normalised facts of a text, by kind.
type facts struct {
	urls, code, dates, numbers map[string]string // normalised → as written
}

// extractFacts finds the facts of md.
func extractFacts(md string) facts {
	f := facts{urls: map[string]string{}, code: map[string]string{}, dates: map[string]string{}, numbers: map[string]string{}}
	rest := md
	rest = fenceBlockRE.ReplaceAllStringFunc(rest, func(m string) string {
		body := fenceBlockRE.FindStringSubmatch(m)[2]
		if k := collapse(body); k != "" {
			f.code[k] = strings.TrimSpace(body)
		}
		return " "
	})
	rest = codeSpanRE.ReplaceAllStringFunc(rest, func(m string) string {
		if k := collapse(m[1 : len(m)-1]); k != "" {
			f.code[k] = m
		}
		return " "
	})
	rest = urlRE.ReplaceAllStringFunc(rest, func(m string) string {
		f.urls[normURL(m)] = trimURL(m)
		return " "
	})
	rest = replaceDates(rest, func(norm, raw string) { f.dates[norm] = raw })
	rest = listNumRE.ReplaceAllString(rest, "")
	for _, m := range numberRE.FindAllString(rest, -1) {
		f.numbers[normNumber(m)] = m
	}
	return f
}

// FactCheckText checks that every fact of input is still in rewrite and
// lists what is missing ("number 1500", "date 2024-03-05", "url …",
// "code …"), sorted in the order kinds are listed here.
func FactCheckText(input, rewrite string) FactCheck {
	in, out := extractFacts(input), extractFacts(rewrite)
	flat := collapse(rewrite)
	lowerRewrite := strings.ToLower(rewrite)
	dropped := []string{}
	for _, k := range slices.Sorted(maps.Keys(in.numbers)) {
		if _, ok := out.numbers[k]; !ok && !spelledOut(k, lowerRewrite) {
			dropped = append(dropped, "number "+in.numbers[k])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(in.dates)) {
		if _, ok := out.dates[k]; !ok {
			dropped = append(dropped, "date "+in.dates[k])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(in.urls)) {
		if _, ok := out.urls[k]; !ok {
			dropped = append(dropped, "url "+in.urls[k])
		}
	}
	for _, k := range slices.Sorted(maps.Keys(in.code)) {
		if !strings.Contains(flat, k) {
			dropped = append(dropped, "code "+shorten(in.code[k], 80))
		}
	}
	return FactCheck{Passed: len(dropped) == 0, Dropped: dropped}
}

// replaceDates finds the dates of s, reports each normalised, and returns
// s with them blanked out. Every date form holds a four-digit year, so
// only the text around each year is examined: the month-name patterns are
// slow on long text and most text has few years.
func replaceDates(s string, found func(norm, raw string)) string {
	var b strings.Builder
	last := 0 // end of the text already copied to b
	for _, loc := range yearRE.FindAllStringIndex(s, -1) {
		y0, y1 := loc[0], loc[1]
		if y0 < last || (y0 > 0 && isDigit(s[y0-1])) || (y1 < len(s) && isDigit(s[y1])) {
			continue
		}
		from, to, ok := dateAt(s, max(last, y0-40), y0, y1, found)
		if !ok {
			continue
		}
		b.WriteString(s[last:from])
		b.WriteString(" ")
		last = to
	}
	b.WriteString(s[last:])
	return b.String()
}

// dateAt finds a date around the year at s[y0:y1] — an ISO date starting
// with it, or a month-name date ending with it that starts at or after
// lo — reports it, and returns where it is.
func dateAt(s string, lo, y0, y1 int, found func(norm, raw string)) (int, int, bool) {
	if p := isoDateRE.FindStringSubmatch(s[y0:min(len(s), y0+11)]); p != nil {
		if d, ok := makeDate(p[1], monthNumber(p[2]), p[3]); ok {
			found(d, s[y0:y0+10])
			return y0, y0 + 10, true
		}
	}
	w := s[lo:y1]
	if m := dmyRE.FindStringSubmatchIndex(w); m != nil {
		if d, ok := makeDate(w[m[6]:m[7]], monthNumber(w[m[4]:m[5]]), w[m[2]:m[3]]); ok {
			found(d, w[m[0]:m[1]])
			return lo + m[0], y1, true
		}
	}
	if m := mdyRE.FindStringSubmatchIndex(w); m != nil {
		if d, ok := makeDate(w[m[6]:m[7]], monthNumber(w[m[2]:m[3]]), w[m[4]:m[5]]); ok {
			found(d, w[m[0]:m[1]])
			return lo + m[0], y1, true
		}
	}
	return 0, 0, false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// monthNumber turns "03" or "mar"/"March" into 3; 0 when it is neither.
func monthNumber(s string) int {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	s = strings.ToLower(s)
	for i, m := range []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"} {
		if strings.HasPrefix(s, m) {
			return i + 1
		}
	}
	return 0
}

// makeDate validates and formats a date as YYYY-MM-DD.
func makeDate(year string, month int, day string) (string, bool) {
	y, err1 := strconv.Atoi(year)
	d, err2 := strconv.Atoi(day)
	if err1 != nil || err2 != nil || month < 1 || month > 12 {
		return "", false
	}
	t := time.Date(y, time.Month(month), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return "", false
	}
	return t.Format("2006-01-02"), true
}

// thousands removes thousands separators.
var thousands = strings.NewReplacer(",", "", "\u202f", "", "\u00a0", "")

// normNumber drops thousands separators and trailing decimal zeros.
func normNumber(s string) string {
	s = thousands.Replace(s)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	if t := strings.TrimLeft(s, "0"); t != "" && !strings.HasPrefix(t, ".") {
		s = t
	}
	return s
}

var numberWords = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"}

// spelledOut reports whether a whole number up to twelve appears as a word.
func spelledOut(n, lowerText string) bool {
	i, err := strconv.Atoi(n)
	if err != nil || i < 0 || i >= len(numberWords) {
		return false
	}
	return regexp.MustCompile(`\b` + numberWords[i] + `\b`).MatchString(lowerText)
}

// trimURL drops punctuation that ends a sentence rather than the URL.
func trimURL(u string) string { return strings.TrimRight(u, ".,;:!?*_") }

// normURL is trimURL without a trailing slash, scheme and host lower case.
func normURL(u string) string {
	u = strings.TrimRight(trimURL(u), "/")
	scheme, rest, _ := strings.Cut(u, "://")
	host, path, _ := strings.Cut(rest, "/")
	out := strings.ToLower(scheme) + "://" + strings.ToLower(host)
	if path != "" {
		out += "/" + path
	}
	return out
}

// collapse joins the words of s with single spaces.
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// shorten cuts s to n runes with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(collapse(s))
	if len(r) <= n {
		return string(r)
	}
	return string(r[:n-1]) + "…"
}
