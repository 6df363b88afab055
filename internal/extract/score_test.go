package extract

// A Go port of the metrics of /work/shared/eval/score.py (see its doc):
// token F1, edit similarity (difflib.SequenceMatcher.ratio without autojunk),
// table rows kept together, and headings found.

import (
	"html"
	"regexp"
	"sort"
	"strings"

	"golang.org/x/text/unicode/norm"
)

var (
	reComment = regexp.MustCompile(`(?s)<!--.*?-->`)
	reImg     = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	reLink    = regexp.MustCompile(`\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)`)
	reRefDef  = regexp.MustCompile(`(?m)^\s*\[[^\]]+\]:\s*\S+.*$`)
	reTag     = regexp.MustCompile(`</?[A-Za-z][^<>]*>`)
	reEsc     = regexp.MustCompile("\\\\([\\\\`*_{}\\[\\]()#+\\-.!|<>~=\"'$&%])")
	reMDPunct = regexp.MustCompile("[#*|\\-_`>~=]")
	reWS      = regexp.MustCompile(`\s+`)
	reToken   = regexp.MustCompile(`[\p{L}\p{N}]+`)
	reFence   = regexp.MustCompile("^\\s{0,3}(```|~~~)")
	reATX     = regexp.MustCompile(`^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$`)
	reSetext  = regexp.MustCompile(`^\s{0,3}(={3,}|-{3,})\s*$`)
	reHTag    = regexp.MustCompile(`(?is)<h([1-6])[^>]*>(.*?)</h([1-6])\s*>`)
	reSepRow  = regexp.MustCompile(`^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$`)
	reTR      = regexp.MustCompile(`(?is)<tr\b.*?</tr\s*>`)
	reTable   = regexp.MustCompile(`(?i)<table`)
	reCell    = regexp.MustCompile(`(?is)<t[dh]\b[^>]*>(.*?)(?:</t[dh]\s*>|<t[dh]\b|</tr|$)`)
)

func stripMarkup(s string) string {
	s = norm.NFKC.String(s)
	s = strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
	s = reComment.ReplaceAllString(s, " ")
	s = reImg.ReplaceAllString(s, " $1 ")
	s = reLink.ReplaceAllString(s, " $1 ")
	s = reRefDef.ReplaceAllString(s, " ")
	s = reTag.ReplaceAllString(s, " ")
	s = html.UnescapeString(s)
	return reEsc.ReplaceAllString(s, "$1")
}

func normText(s string) string {
	s = strings.ToLower(stripMarkup(s))
	s = reMDPunct.ReplaceAllString(s, " ")
	return strings.TrimSpace(reWS.ReplaceAllString(s, " "))
}

func tokens(s string) []string { return reToken.FindAllString(strings.ToLower(stripMarkup(s)), -1) }

func tokenKey(s string) string { return strings.Join(tokens(s), " ") }

// tokenF1 is the bag-of-words F1 of got against want.
func tokenF1(got, want string) float64 {
	gt, wt := tokens(got), tokens(want)
	if len(gt) == 0 && len(wt) == 0 {
		return 1
	}
	if len(gt) == 0 || len(wt) == 0 {
		return 0
	}
	count := map[string]int{}
	for _, t := range wt {
		count[t]++
	}
	inter := 0
	for _, t := range gt {
		if count[t] > 0 {
			count[t]--
			inter++
		}
	}
	if inter == 0 {
		return 0
	}
	p, r := float64(inter)/float64(len(gt)), float64(inter)/float64(len(wt))
	return 2 * p * r / (p + r)
}

// editSimilarity is difflib's SequenceMatcher(None, a, b, autojunk=False).ratio()
// of the normalised texts, each cut to limit runes.
func editSimilarity(got, want string, limit int) float64 {
	a, b := []rune(normText(got)), []rune(normText(want))
	a, b = a[:min(len(a), limit)], b[:min(len(b), limit)]
	if len(a) == 0 && len(b) == 0 {
		return 1
	}
	return ratio(a, b)
}

// ratio is SequenceMatcher.ratio: 2·matches / total length.
func ratio(a, b []rune) float64 {
	if len(a)+len(b) == 0 {
		return 1
	}
	b2j := map[rune][]int{}
	for j, r := range b {
		b2j[r] = append(b2j[r], j)
	}
	j2len, next := make([]int, len(b)+1), make([]int, len(b)+1)
	matched := 0
	type span struct{ alo, ahi, blo, bhi int }
	queue := []span{{0, len(a), 0, len(b)}}
	for len(queue) > 0 {
		s := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		i, j, k := longestMatch(a, b2j, s.alo, s.ahi, s.blo, s.bhi, j2len, next)
		if k == 0 {
			continue
		}
		matched += k
		if s.alo < i && s.blo < j {
			queue = append(queue, span{s.alo, i, s.blo, j})
		}
		if i+k < s.ahi && j+k < s.bhi {
			queue = append(queue, span{i + k, s.ahi, j + k, s.bhi})
		}
	}
	return 2 * float64(matched) / float64(len(a)+len(b))
}

// longestMatch is SequenceMatcher.find_longest_match without junk: the
// earliest longest common block of a[alo:ahi] and b[blo:bhi]. j2len and
// next are scratch slices of len(b)+1, indexed by j+1.
func longestMatch(a []rune, b2j map[rune][]int, alo, ahi, blo, bhi int, j2len, next []int) (int, int, int) {
	besti, bestj, best := alo, blo, 0
	var touched, touchedNext []int
	for i := alo; i < ahi; i++ {
		touchedNext = touchedNext[:0]
		for _, j := range b2j[a[i]] {
			if j < blo {
				continue
			}
			if j >= bhi {
				break
			}
			k := j2len[j] + 1 // j2len[j] holds the run ending at j-1
			next[j+1] = k
			touchedNext = append(touchedNext, j+1)
			if k > best {
				besti, bestj, best = i-k+1, j-k+1, k
			}
		}
		for _, t := range touched {
			j2len[t] = 0
		}
		for _, t := range touchedNext {
			j2len[t], next[t] = next[t], 0
		}
		touched, touchedNext = touchedNext, touched
	}
	for _, t := range touched {
		j2len[t] = 0
	}
	return besti, bestj, best
}

func unfencedLines(text string) []string {
	var out []string
	fenced := false
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if reFence.MatchString(l) {
			fenced = !fenced
			out = append(out, "")
			continue
		}
		if fenced {
			l = ""
		}
		out = append(out, l)
	}
	return out
}

func isTableLine(l string) bool {
	s := strings.TrimSpace(l)
	return len(s) >= 2 && strings.HasPrefix(s, "|") && strings.HasSuffix(s, "|")
}

// headings lists the normalised headings (ATX, setext, <hN>) of text.
func headings(text string) []string {
	var res []string
	lines := unfencedLines(text)
	for i, l := range lines {
		if m := reATX.FindStringSubmatch(l); m != nil {
			if k := tokenKey(m[2]); k != "" {
				res = append(res, k)
			}
			continue
		}
		if i > 0 && reSetext.MatchString(l) {
			prev := lines[i-1]
			p := strings.TrimLeft(prev, " \t")
			if strings.TrimSpace(prev) != "" && !isTableLine(prev) && !reATX.MatchString(prev) &&
				!reSetext.MatchString(prev) && !strings.ContainsAny(p[:min(1, len(p))], "-*+>") {
				if k := tokenKey(prev); k != "" {
					res = append(res, k)
				}
			}
		}
	}
	for _, m := range reHTag.FindAllStringSubmatch(text, -1) {
		if m[1] == m[3] {
			if k := tokenKey(m[2]); k != "" {
				res = append(res, k)
			}
		}
	}
	return res
}

func splitPipeRow(l string) []string {
	s := strings.TrimSpace(l)
	s = strings.TrimPrefix(s, "|")
	if strings.HasSuffix(s, "|") && !strings.HasSuffix(s, `\|`) {
		s = s[:len(s)-1]
	}
	var cells []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == '|' && (i == 0 || s[i-1] != '\\') {
			cells = append(cells, s[start:i])
			start = i + 1
		}
	}
	return append(cells, s[start:])
}

// tableRows lists the expected table rows as lists of non-empty cell keys.
func tableRows(text string) [][]string {
	var rows [][]string
	add := func(cells []string) {
		var keys []string
		for _, c := range cells {
			if k := tokenKey(strings.ReplaceAll(c, `\|`, "|")); k != "" {
				keys = append(keys, k)
			}
		}
		if len(keys) > 0 {
			rows = append(rows, keys)
		}
	}
	lines := unfencedLines(text)
	for i, l := range lines {
		if !isTableLine(l) || reSepRow.MatchString(l) {
			continue
		}
		if (i > 0 && isTableLine(lines[i-1])) || (i+1 < len(lines) && isTableLine(lines[i+1])) {
			add(splitPipeRow(l))
		}
	}
	if reTable.MatchString(text) {
		for _, tr := range reTR.FindAllString(text, -1) {
			var cells []string
			for _, m := range reCell.FindAllStringSubmatch(tr, -1) {
				cells = append(cells, m[1])
			}
			add(cells)
		}
	}
	return rows
}

func outputRowLines(text string) []string {
	t := reTR.ReplaceAllStringFunc(text, func(m string) string { return "\n" + strings.Join(strings.Fields(m), " ") + "\n" })
	var keys []string
	for _, l := range strings.Split(t, "\n") {
		if k := tokenKey(l); k != "" {
			keys = append(keys, " "+k+" ")
		}
	}
	return keys
}

func cellsInOrder(cells []string, hay string) bool {
	pos := 0
	for _, c := range cells {
		i := strings.Index(hay[pos:], " "+c+" ")
		if i < 0 {
			return false
		}
		pos += i + len(c) + 1
	}
	return true
}

// tableScore is the share of expected rows kept on one output line, in
// order; ok is false when want has no table.
func tableScore(got, want string) (score float64, ok bool) {
	rows := tableRows(want)
	if len(rows) == 0 {
		return 0, false
	}
	lines := outputRowLines(got)
	hit := 0
	for _, cells := range rows {
		for _, l := range lines {
			if cellsInOrder(cells, l) {
				hit++
				break
			}
		}
	}
	return float64(hit) / float64(len(rows)), true
}

// headingScore is the share of expected headings found as headings.
func headingScore(got, want string) (score float64, ok bool) {
	exp := headings(want)
	if len(exp) == 0 {
		return 0, false
	}
	out := headings(got)
	have := map[string]bool{}
	for _, h := range out {
		have[h] = true
	}
	hit := 0
	for _, h := range exp {
		if have[h] {
			hit++
			continue
		}
		for _, o := range out {
			if ratio([]rune(h), []rune(o)) >= 0.9 {
				hit++
				break
			}
		}
	}
	return float64(hit) / float64(len(exp)), true
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
