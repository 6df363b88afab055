package sharepoint

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"

	"golang.org/x/oauth2"
)

// TokenCache keeps app-only access tokens across clients, keyed by the
// app registration (token URL, client id, a digest of the secret, scope),
// so that building a client per call does not mean a token request per
// call. The zero value is ready to use and safe for concurrent use.
type TokenCache struct {
	mu     sync.Mutex
	tokens map[string]*oauth2.Token
}

// cacheKey identifies a registration without keeping its secret.
func cacheKey(cfg Config) string {
	h := sha256.Sum256([]byte(cfg.TokenURL + "\x00" + cfg.ClientID + "\x00" + cfg.ClientSecret + "\x00" + cfg.Scope))
	return hex.EncodeToString(h[:])
}

func (t *TokenCache) get(key string) *oauth2.Token {
	t.mu.Lock()
	defer t.mu.Unlock()
	tok := t.tokens[key]
	if !tok.Valid() {
		delete(t.tokens, key)
		return nil
	}
	return tok
}

func (t *TokenCache) put(key string, tok *oauth2.Token) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tokens == nil {
		t.tokens = map[string]*oauth2.Token{}
	}
	// Expired entries of other registrations go too, so the map stays small.
	for k, v := range t.tokens {
		if !v.Valid() {
			delete(t.tokens, k)
		}
	}
	t.tokens[key] = tok
}

func (t *TokenCache) drop(key, access string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if tok := t.tokens[key]; tok != nil && tok.AccessToken == access {
		delete(t.tokens, key)
	}
}
