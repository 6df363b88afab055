package chunk

import (
	"fmt"
	"sort"
	"sync"
	"unicode/utf8"

	"github.com/tiktoken-go/tokenizer"
)

// The tokenizer names a chunk request may give.
const (
	TokenizerCL100K     = "cl100k_base" // OpenAI text-embedding-3-*, GPT-4, GPT-3.5
	TokenizerO200K      = "o200k_base"  // OpenAI GPT-4o and later
	TokenizerCharacters = "characters"  // Unicode code points
	DefaultTokenizer    = TokenizerCL100K
)

// Tokenizer counts tokens the way an embedding model will. Implementations
// are safe for concurrent use and never reach the network: the BPE ranks of
// cl100k_base and o200k_base are compiled into the binary.
type Tokenizer interface {
	// Name is the tokenizer's name as requests and chunk records give it.
	Name() string
	// Count is the number of tokens in text.
	Count(text string) int
	// Prefix is the byte length of the longest prefix of text that ends on
	// a token and a UTF-8 boundary and holds at most n tokens. It is 0 only
	// when not even the first character fits.
	Prefix(text string, n int) int
}

// Tokenizers lists the tokenizer names, sorted.
func Tokenizers() []string {
	names := []string{TokenizerCL100K, TokenizerO200K, TokenizerCharacters}
	sort.Strings(names)
	return names
}

var (
	bpeMu    sync.Mutex
	bpeCache = map[string]*bpeTokenizer{}
)

// NewTokenizer returns the tokenizer with the given name ("" is the
// default). The BPE tables are built on first use and shared afterwards.
func NewTokenizer(name string) (Tokenizer, error) {
	switch name {
	case "":
		return NewTokenizer(DefaultTokenizer)
	case TokenizerCharacters:
		return characters{}, nil
	case TokenizerCL100K, TokenizerO200K:
		bpeMu.Lock()
		defer bpeMu.Unlock()
		if t, ok := bpeCache[name]; ok {
			return t, nil
		}
		codec, err := tokenizer.Get(tokenizer.Encoding(name))
		if err != nil {
			return nil, fmt.Errorf("chunk: tokenizer %s: %w", name, err)
		}
		t := &bpeTokenizer{name: name, codec: codec}
		bpeCache[name] = t
		return t, nil
	}
	return nil, fmt.Errorf("chunk: unknown tokenizer %q (one of %v)", name, Tokenizers())
}

// characters counts Unicode code points (invalid bytes count one each).
type characters struct{}

func (characters) Name() string { return TokenizerCharacters }

func (characters) Count(text string) int { return utf8.RuneCountInString(text) }

func (characters) Prefix(text string, n int) int {
	at := 0
	for i := 0; i < n && at < len(text); i++ {
		_, size := utf8.DecodeRuneInString(text[at:])
		at += size
	}
	return at
}

// bpeTokenizer is a tiktoken byte-pair encoding.
type bpeTokenizer struct {
	name  string
	codec tokenizer.Codec
}

func (b *bpeTokenizer) Name() string { return b.name }

func (b *bpeTokenizer) Count(text string) int {
	if text == "" {
		return 0
	}
	// The codec fails only when its split pattern does, which it cannot on
	// a string; count bytes then, an upper bound for a byte-level BPE.
	n, err := b.codec.Count(text)
	if err != nil {
		return len(text)
	}
	return n
}

// Prefix looks at a window of text that holds more than n tokens (growing
// it as needed, so a long text is not encoded whole for every cut) and cuts
// it after n tokens.
func (b *bpeTokenizer) Prefix(text string, n int) int {
	if n <= 0 || text == "" {
		return 0
	}
	for window := 8 * n; ; window *= 2 {
		w := text[:runeStart(text, min(window, len(text)))]
		if b.Count(w) > n {
			return b.cut(w, n)
		}
		if len(w) == len(text) {
			return len(text)
		}
	}
}

// cut is the end of the longest prefix of w with at most n tokens, w
// having more. For valid UTF-8 the encoding's first n tokens give it; it is
// moved back to a character boundary (a byte-level BPE may cut inside one)
// and checked, since a prefix can encode differently from the whole.
// Invalid UTF-8 is encoded with replacement characters, so its pieces do
// not map to bytes: a binary search over lengths finds the cut instead.
func (b *bpeTokenizer) cut(w string, n int) int {
	fits := func(at int) bool { return b.Count(w[:at]) <= n }
	if _, pieces, err := b.codec.Encode(w); err == nil && utf8.ValidString(w) {
		for take := min(n, len(pieces)); take > 0; take-- {
			at := 0
			for _, p := range pieces[:take] {
				at += len(p)
			}
			if at = runeStart(w, at); at > 0 && fits(at) {
				return at
			}
		}
		return 0
	}
	lo, hi := 0, len(w) // fits(lo); the answer is in [lo, hi)
	for hi-lo > 1 {
		if mid := (lo + hi) / 2; fits(mid) {
			lo = mid
		} else {
			hi = mid
		}
	}
	for lo > 0 && (runeStart(w, lo) != lo || !fits(lo)) {
		lo--
	}
	return lo
}

// runeStart moves at back to the start of the character it falls in. It
// moves at most three bytes (the longest UTF-8 sequence is four), so a run
// of stray continuation bytes still has cut points.
func runeStart(text string, at int) int {
	if at <= 0 || at >= len(text) {
		return at
	}
	for i := at; i >= 0 && i > at-utf8.UTFMax; i-- {
		if utf8.RuneStart(text[i]) {
			return i
		}
	}
	return at
}
