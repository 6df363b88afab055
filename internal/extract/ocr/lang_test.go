package ocr

import (
	"context"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
)

// testPage is the text of one test page.
type testPage struct {
	text string
	rtl  bool
}

// pageImages renders each text as a page image (PNG) with LibreOffice:
// small flat ODT documents written here, exported in one soffice run. It
// skips when soffice is missing, except under CI=true where it fails.
func pageImages(t *testing.T, pages []testPage) [][]byte {
	t.Helper()
	bin, err := exec.LookPath("soffice")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("LibreOffice (soffice) is not installed; .ci/run installs it")
		}
		t.Skip("LibreOffice not installed")
	}
	dir := t.TempDir()
	srcs := make([]string, len(pages))
	for i, p := range pages {
		srcs[i] = filepath.Join(dir, fmt.Sprintf("page%d.fodt", i))
		if err := os.WriteFile(srcs[i], []byte(flatODT(p)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := append([]string{"--headless", "--norestore",
		"-env:UserInstallation=file://" + filepath.ToSlash(filepath.Join(dir, "profile")),
		"--convert-to", "png", "--outdir", dir}, srcs...)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v %s", err, out)
	}
	imgs := make([][]byte, len(pages))
	for i := range pages {
		if imgs[i], err = os.ReadFile(filepath.Join(dir, fmt.Sprintf("page%d.png", i))); err != nil {
			t.Fatal(err)
		}
	}
	return imgs
}

// flatODT is a one-page flat ODT document holding the page's text in 16 pt.
func flatODT(p testPage) string {
	mode := "lr-tb"
	if p.rtl {
		mode = "rl-tb"
	}
	var paras strings.Builder
	for _, line := range strings.Split(p.text, "\n") {
		paras.WriteString(`<text:p text:style-name="P">` + html.EscapeString(line) + `</text:p>`)
	}
	return `<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:styles><style:style style:name="P" style:family="paragraph"><style:paragraph-properties style:writing-mode="` + mode + `"/>
<style:text-properties fo:font-size="16pt" style:font-size-asian="16pt" style:font-size-complex="16pt"/></style:style></office:styles>
<office:body><office:text>` + paras.String() + `</office:text></office:body></office:document>`
}

// needLangs skips unless Tesseract has the language data (fails under
// CI=true, where .ci/run installs it).
func needLangs(t *testing.T, langs ...string) {
	t.Helper()
	needTesseract(t)
	bin, _ := findTesseract(Options{}.withDefaults())
	have := installedLangs(context.Background(), bin)
	for _, l := range langs {
		if !have[l] {
			if os.Getenv("CI") == "true" {
				t.Fatalf("tesseract language %s is not installed", l)
			}
			t.Skipf("tesseract language %s is not installed", l)
		}
	}
}

// hanRecall is the share of the Han characters of want found in got.
func hanRecall(got, want string) float64 {
	have := map[rune]int{}
	for _, r := range got {
		have[r]++
	}
	hit, all := 0, 0
	for _, r := range want {
		if unicode.Is(unicode.Han, r) {
			all++
			if have[r] > 0 {
				have[r]--
				hit++
			}
		}
	}
	return float64(hit) / float64(max(all, 1))
}

// TestLanguages reads pages in German, French, Spanish, Arabic and
// Chinese with the default language list (eng): the script (OSD) or the
// words of a first reading select the installed language, and the text
// comes back with its own letters. An explicit list (eng+deu) is used as
// given.
func TestLanguages(t *testing.T) {
	cases := []struct {
		name, lang, text string
		rtl, han         bool
	}{
		{"deu", "", "Die Größe der Straße überrascht die Bürger, und wir müssen die Prüfung für das Gebäude verschieben.\nDer Schlüssel ist nicht da, aber die Tür ist auf und wir warten auf den Mann.", false, false},
		{"fra", "", "Le château se trouve près de la forêt et nous avons visité les élèves de l’école.\nC’est une fête très agréable pour les enfants et pour leurs parents dans la région.", false, false},
		{"spa", "", "El niño y la niña están en la montaña con los abuelos para las vacaciones del año.\nLa canción es muy bonita y los músicos tocan en la plaza por la noche.", false, false},
		{"ara", "", strings.Repeat("تعمل الشركة في مجال البرمجيات منذ عام ألفين وعشرة وتقدم خدماتها لعملاء كثيرين في المنطقة العربية.\n", 5), true, false},
		{"chi_sim", "", strings.Repeat("我们公司成立于二零一零年，为本地区的许多客户提供软件服务。今天的天气很好，我们去公园散步。\n", 4), false, true},
		{"deu", "eng+deu", "Die Größe der Straße überrascht die Bürger, und wir müssen die Prüfung für das Gebäude verschieben.", false, false},
	}
	needLangs(t, "osd")
	pages := make([]testPage, len(cases))
	for i, tc := range cases {
		pages[i] = testPage{tc.text, tc.rtl}
	}
	imgs := pageImages(t, pages)
	for i, tc := range cases {
		t.Run(tc.name+"/"+tc.lang, func(t *testing.T) {
			needLangs(t, tc.name)
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
			defer cancel()
			got, err := Recognize(ctx, imgs[i], Options{Lang: tc.lang})
			if err != nil {
				t.Fatal(err)
			}
			score := recall(got, tc.text)
			if tc.han {
				score = hanRecall(got, tc.text)
			}
			if score < 0.9 {
				t.Errorf("recall %.2f\n--- got ---\n%s", score, got)
			}
		})
	}
}

func TestLatinLanguage(t *testing.T) {
	for text, want := range map[string]string{
		"Die Grosse der Strasse und die Burger sind nicht mit dem Auto auf der Strasse": "deu",
		"Le chateau et la foret sont dans la region pour les eleves que nous avons vu":  "fra",
		"The quick brown fox and the dog are in the garden that was green with trees":   "eng",
		"short text": "",
	} {
		if got := latinLanguage(text); got != want {
			t.Errorf("latinLanguage(%.30q) = %q, want %q", text, got, want)
		}
	}
}
