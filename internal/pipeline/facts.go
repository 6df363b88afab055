package pipeline

import (
	"regexp"
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
	isoDateRE    = regexp.MustCompile(`\b(\d{4})-(\d{2})-(\d{2})\b`)
	dmyRE        = regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+(\d{4})\b`)
	mdyRE        = regexp.MustCompile(`(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b`)
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
	for _, k := range sortedKeys(in.numbers) {
		if _, ok := out.numbers[k]; !ok && !spelledOut(k, lowerRewrite) {
			dropped = append(dropped, "number "+in.numbers[k])
		}
	}
	for _, k := range sortedKeys(in.dates) {
		if _, ok := out.dates[k]; !ok {
			dropped = append(dropped, "date "+in.dates[k])
		}
	}
	for _, k := range sortedKeys(in.urls) {
		if _, ok := out.urls[k]; !ok {
			dropped = append(dropped, "url "+in.urls[k])
		}
	}
	for _, k := range sortedKeys(in.code) {
		if !strings.Contains(flat, k) {
			dropped = append(dropped, "code "+shorten(in.code[k], 80))
		}
	}
	return FactCheck{Passed: len(dropped) == 0, Dropped: dropped}
}

// replaceDates finds the dates of s, reports each normalised, and returns
// s with them blanked out.
func replaceDates(s string, found func(norm, raw string)) string {
	s = isoDateRE.ReplaceAllStringFunc(s, func(m string) string {
		p := isoDateRE.FindStringSubmatch(m)
		if d, ok := makeDate(p[1], monthNumber(p[2]), p[3]); ok {
			found(d, m)
			return " "
		}
		return m
	})
	s = dmyRE.ReplaceAllStringFunc(s, func(m string) string {
		p := dmyRE.FindStringSubmatch(m)
		if d, ok := makeDate(p[3], monthNumber(p[2]), p[1]); ok {
			found(d, m)
			return " "
		}
		return m
	})
	return mdyRE.ReplaceAllStringFunc(s, func(m string) string {
		p := mdyRE.FindStringSubmatch(m)
		if d, ok := makeDate(p[3], monthNumber(p[1]), p[2]); ok {
			found(d, m)
			return " "
		}
		return m
	})
}

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

// normNumber drops thousands separators and trailing decimal zeros.
func normNumber(s string) string {
	s = strings.NewReplacer(",", "", "\u202f", "", "\u00a0", "").Replace(s)
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
