package ocr

import (
	"context"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode"
)

// Language detection, where it is cheap. OCR_LANG names the languages
// Tesseract reads with ("eng", "eng+deu"). A page read with them is then
// checked:
//   - when the reading is poor, orientation detection runs anyway (see
//     recognizePage), and its script detection names the page's script;
//     a script the configured languages do not cover (Arabic, Han,
//     Cyrillic, …) is read again with the installed language for it;
//   - a page in Latin script whose text shows, by its most common short
//     words, to be German, French, Spanish, Italian, Portuguese or Dutch
//     while that language is installed but not configured, is read again
//     with it added.
// The second reading is kept unless it scores clearly worse.

// scriptLangs maps the script names of Tesseract's OSD to the language
// data that reads them, preferred first.
var scriptLangs = map[string][]string{
	"Arabic": {"ara", "fas", "urd"}, "Han": {"chi_sim", "chi_tra"}, "Japanese": {"jpn"},
	"Hangul": {"kor"}, "Korean": {"kor"}, "Cyrillic": {"rus", "ukr", "bul", "srp"},
	"Greek": {"ell"}, "Hebrew": {"heb"}, "Devanagari": {"hin", "mar", "nep"}, "Thai": {"tha"},
	"Bengali": {"ben"}, "Tamil": {"tam"}, "Armenian": {"hye"}, "Georgian": {"kat"},
}

// stopwords are frequent short words that tell Latin-script languages
// apart; they survive being read with English data (no diacritics).
var stopwords = map[string][]string{
	"eng": {"the", "and", "of", "to", "is", "in", "that", "for", "with", "are", "this", "was"},
	"deu": {"der", "die", "das", "und", "ist", "nicht", "mit", "den", "wir", "ein", "eine", "auf", "dem", "sich", "auch", "von", "zu"},
	"fra": {"le", "la", "les", "des", "est", "et", "une", "pour", "que", "dans", "nous", "du", "au", "pas", "sur", "avec"},
	"spa": {"el", "los", "las", "que", "y", "en", "por", "una", "para", "con", "es", "del", "se", "como", "muy"},
	"ita": {"il", "che", "di", "per", "una", "sono", "della", "non", "gli", "nel", "con"},
	"por": {"o", "os", "que", "uma", "para", "com", "não", "nao", "em", "do", "da", "dos"},
	"nld": {"de", "het", "een", "en", "van", "niet", "is", "dat", "op", "voor", "zijn"},
}

var installed sync.Map // tesseract path → map[string]bool

// installedLangs lists the language data Tesseract has (tesseract
// --list-langs), once per binary.
func installedLangs(ctx context.Context, bin string) map[string]bool {
	if v, ok := installed.Load(bin); ok {
		return v.(map[string]bool)
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "--list-langs").Output()
	langs := map[string]bool{}
	if err == nil {
		for _, l := range strings.Split(string(out), "\n") {
			if l = strings.TrimSpace(l); l != "" && !strings.Contains(l, " ") {
				langs[l] = true
			}
		}
	}
	installed.Store(bin, langs)
	return langs
}

// hasLang reports whether the "+"-separated list holds lang.
func hasLang(list, lang string) bool {
	for _, l := range strings.Split(list, "+") {
		if l == lang {
			return true
		}
	}
	return false
}

// scriptLanguage returns the installed language for an OSD script that
// the configured list does not read already, or "".
func scriptLanguage(script, configured string, have map[string]bool) string {
	for _, l := range scriptLangs[script] {
		if hasLang(configured, l) {
			return ""
		}
	}
	for _, l := range scriptLangs[script] {
		if have[l] {
			return l
		}
	}
	return ""
}

var letterRunRe = regexp.MustCompile(`\pL+`)

// latinLanguage guesses the language of Latin-script text from its
// stopwords: the language whose stopwords make up clearly the largest
// share of the words (a dozen at least), or "" when unsure.
func latinLanguage(text string) string {
	words := letterRunRe.FindAllString(strings.ToLower(text), 2000)
	if len(words) < 12 {
		return ""
	}
	best, second, bestN := "", 0, 0
	for lang, sw := range stopwords {
		n := 0
		for _, w := range words {
			for _, s := range sw {
				if w == s {
					n++
					break
				}
			}
		}
		switch {
		case n > bestN:
			second, best, bestN = bestN, lang, n
		case n > second:
			second = n
		}
	}
	if bestN*10 < len(words) || bestN < 2*second {
		return ""
	}
	return best
}

// latinAlternative returns the language to add to the configured list for
// a reading in Latin script, or "".
func latinAlternative(text, configured string, have map[string]bool) string {
	if !mostlyLatin(text) {
		return ""
	}
	lang := latinLanguage(text)
	if lang == "" || hasLang(configured, lang) || !have[lang] {
		return ""
	}
	return lang
}

func mostlyLatin(text string) bool {
	var latin, other int
	for _, r := range text {
		switch {
		case r < 0x250 && unicode.IsLetter(r):
			latin++
		case unicode.IsLetter(r):
			other++
		}
	}
	return latin > 4*other
}

// withLanguage reads the page again with the language its script or its
// words point to, when that differs from the configured list, and keeps
// the new reading unless it scores clearly worse. It returns the options
// to use for any further reading of the page.
func withLanguage(ctx context.Context, bin string, img []byte, best reading, script string, opts Options) (reading, Options, error) {
	have := installedLangs(ctx, bin)
	alt := ""
	switch {
	case script != "" && script != "Latin":
		alt = scriptLanguage(script, opts.Lang, have)
	default:
		alt = latinAlternative(best.text, opts.Lang, have)
	}
	if alt == "" || img == nil {
		return best, opts, nil
	}
	o := opts
	o.Lang = alt + "+" + opts.Lang
	r, err := read(ctx, bin, img, o)
	if err != nil {
		return best, opts, err
	}
	if r.score() < 0.7*best.score() {
		return best, opts, nil
	}
	return r, o, nil
}
