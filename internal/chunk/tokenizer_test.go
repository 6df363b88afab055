package chunk

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTokenizerCounts(t *testing.T) {
	// Reference counts from OpenAI's tiktoken.
	for _, tc := range []struct {
		name, text string
		want       int
	}{
		{TokenizerCL100K, "hello world", 2},
		{TokenizerCL100K, "tiktoken is great!", 6},
		{TokenizerO200K, "hello world", 2},
		{TokenizerCharacters, "héllo 日本", 8},
		{TokenizerCL100K, "", 0},
	} {
		if got := mustTokenizer(t, tc.name).Count(tc.text); got != tc.want {
			t.Errorf("%s %q = %d tokens, want %d", tc.name, tc.text, got, tc.want)
		}
	}
	// The two encodings are different tables.
	sample := "Привет, мир! 你好，世界。 Überprüfung der Qualität."
	if a, b := mustTokenizer(t, TokenizerCL100K).Count(sample), mustTokenizer(t, TokenizerO200K).Count(sample); a == b {
		t.Errorf("cl100k_base and o200k_base both count %d tokens", a)
	}
	if tk := mustTokenizer(t, ""); tk.Name() != DefaultTokenizer {
		t.Errorf("default tokenizer = %s", tk.Name())
	}
	if _, err := NewTokenizer("gpt2-online"); err == nil {
		t.Error("unknown tokenizer accepted")
	}
}

func TestTokenizerPrefix(t *testing.T) {
	texts := []string{
		strings.Repeat("hello world ", 50),
		strings.Repeat("日本語のテキスト", 40),
		strings.Repeat("x", 900),
		"a\xff\xfe\x80\x80b" + strings.Repeat("\x80", 50),
	}
	for _, name := range Tokenizers() {
		tk := mustTokenizer(t, name)
		for _, text := range texts {
			for _, n := range []int{1, 3, 7, 40, 100000} {
				cut := tk.Prefix(text, n)
				if cut < 0 || cut > len(text) || tk.Count(text[:cut]) > n {
					t.Fatalf("%s: Prefix(%q…, %d) = %d (%d tokens)", name, text[:10], n, cut, tk.Count(text[:cut]))
				}
				if utf8.ValidString(text) && !utf8.ValidString(text[:cut]) {
					t.Errorf("%s: Prefix cut inside a character", name)
				}
				if n >= 7 && cut == 0 {
					t.Errorf("%s: Prefix(%q…, %d) = 0", name, text[:10], n)
				}
				if n == 100000 && cut != len(text) {
					t.Errorf("%s: a text within the limit was cut", name)
				}
			}
		}
	}
}

// TestTokenizersConcurrent: one tokenizer serves many requests at once (run
// with -race).
func TestTokenizersConcurrent(t *testing.T) {
	text := strings.Repeat("Concurrent chunking of the same table. ", 50)
	want := mustTokenizer(t, TokenizerO200K).Count(text)
	errs := make(chan string, 8)
	for range 8 {
		go func() {
			tk, err := NewTokenizer(TokenizerO200K)
			switch {
			case err != nil:
				errs <- err.Error()
			case tk.Count(text) != want:
				errs <- "count differs"
			default:
				errs <- ""
			}
		}()
	}
	for range 8 {
		if e := <-errs; e != "" {
			t.Fatal(e)
		}
	}
}
