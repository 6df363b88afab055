// Package sharepoint is a Microsoft Graph client for SharePoint and
// OneDrive: an app-only token by OAuth2 client credentials
// (golang.org/x/oauth2), authorized GETs that honour 429/503 Retry-After,
// and the resolution of a site URL or a folder share link to Graph ids.
// Token URL, scope and Graph base URL are overridable (sovereign clouds).
// Errors never contain the client secret.
package sharepoint

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// The public-cloud defaults.
const (
	DefaultGraphBaseURL = "https://graph.microsoft.com/v1.0"
	DefaultScope        = "https://graph.microsoft.com/.default"
	DefaultTokenURL     = "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"
)

// Config is an app registration and where to reach Graph.
type Config struct {
	TenantID     string
	ClientID     string
	ClientSecret string
	TokenURL     string // {tenant} is replaced; default DefaultTokenURL
	Scope        string // default DefaultScope
	GraphBaseURL string // default DefaultGraphBaseURL
	// HTTPClient carries every call (token and Graph); nil uses
	// http.DefaultClient. Callers dialling user-given URLs pass a guarded one.
	HTTPClient *http.Client
	// MaxRetries is how often a 429/503 is retried; 0 means 3, negative none.
	MaxRetries int
	// MaxRetryWait is the longest Retry-After waited for in-process; a
	// longer one ends the call with an *Error carrying it. 0 means 30 s.
	MaxRetryWait time.Duration
	// Tokens, when set, shares access tokens between clients built for the
	// same app registration (a client is built per call by the resolver);
	// nil keeps the token in this client only.
	Tokens *TokenCache
}

// Client calls Microsoft Graph with an app-only token.
type Client struct {
	cfg   Config
	cc    clientcredentials.Config
	hc    *http.Client
	mu    sync.Mutex
	token *oauth2.Token
	key   string // the TokenCache key of the registration
}

// New checks cfg and builds a client; it makes no call.
func New(cfg Config) (*Client, error) {
	if cfg.TenantID == "" || cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("sharepoint: tenant_id, client_id and client_secret are required")
	}
	if cfg.TokenURL == "" {
		cfg.TokenURL = DefaultTokenURL
	}
	cfg.TokenURL = strings.ReplaceAll(cfg.TokenURL, "{tenant}", url.PathEscape(cfg.TenantID))
	if cfg.Scope == "" {
		cfg.Scope = DefaultScope
	}
	if cfg.GraphBaseURL == "" {
		cfg.GraphBaseURL = DefaultGraphBaseURL
	}
	cfg.GraphBaseURL = strings.TrimRight(cfg.GraphBaseURL, "/")
	for name, u := range map[string]string{"token_url": cfg.TokenURL, "graph_base_url": cfg.GraphBaseURL} {
		if p, err := url.Parse(u); err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return nil, fmt.Errorf("sharepoint: %s %q is not an http(s) URL", name, u)
		}
	}
	if cfg.MaxRetries == 0 {
		cfg.MaxRetries = 3
	}
	if cfg.MaxRetryWait <= 0 {
		cfg.MaxRetryWait = 30 * time.Second
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	return &Client{cfg: cfg, hc: hc, key: cacheKey(cfg), cc: clientcredentials.Config{
		ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, TokenURL: cfg.TokenURL,
		Scopes: []string{cfg.Scope}, AuthStyle: oauth2.AuthStyleInParams,
	}}, nil
}

// GraphBaseURL is the Graph root the client calls.
func (c *Client) GraphBaseURL() string { return c.cfg.GraphBaseURL }

// TenantID is the configured tenant.
func (c *Client) TenantID() string { return c.cfg.TenantID }

// Token returns a valid access token, fetching one when none is cached or
// it has expired.
func (c *Client) Token(ctx context.Context) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.token.Valid() && c.cfg.Tokens != nil {
		c.token = c.cfg.Tokens.get(c.key)
	}
	if c.token.Valid() {
		return c.token.AccessToken, nil
	}
	tok, err := c.cc.Token(context.WithValue(ctx, oauth2.HTTPClient, c.hc))
	if err != nil {
		return "", c.tokenError(err)
	}
	c.token = tok
	if c.cfg.Tokens != nil {
		c.cfg.Tokens.put(c.key, tok)
	}
	return tok.AccessToken, nil
}

// dropToken forgets a token Graph refused (revoked before its expiry).
func (c *Client) dropToken(token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.token != nil && c.token.AccessToken == token {
		c.token = nil
	}
	if c.cfg.Tokens != nil {
		c.cfg.Tokens.drop(c.key, token)
	}
}

func (c *Client) tokenError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		e := &Error{Op: "token", Code: re.ErrorCode, Message: firstLine(re.ErrorDescription)}
		if re.Response != nil {
			e.Status = re.Response.StatusCode
		}
		if e.Code == "" && e.Message == "" {
			e.Message = "the token endpoint refused the credentials"
		}
		return c.redact(e)
	}
	return c.redact(&Error{Op: "token", Message: "token request failed", Err: err})
}

// Get calls GET on a Graph path (e.g. "/sites/root") or on an absolute
// URL under the Graph base (an @odata.nextLink) and decodes the JSON answer
// into v.
func (c *Client) Get(ctx context.Context, path string, v any) error {
	resp, err := c.Do(ctx, http.MethodGet, path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(v); err != nil {
		return &Error{Op: "GET " + opPath(path), Status: resp.StatusCode, Message: "the answer is not valid JSON"}
	}
	return nil
}

// Do sends an authorized request and returns a 2xx response (the caller
// closes its body); other statuses become *Error. 429 and 503 are retried
// after their Retry-After, up to MaxRetries.
func (c *Client) Do(ctx context.Context, method, path string) (*http.Response, error) {
	target := path
	if !strings.HasPrefix(path, "https://") && !strings.HasPrefix(path, "http://") {
		target = c.cfg.GraphBaseURL + path
	} else if !strings.HasPrefix(path, c.cfg.GraphBaseURL+"/") {
		return nil, &Error{Op: method, Message: "refusing to send the token outside the Graph base URL"}
	}
	op := method + " " + opPath(path)
	for attempt := 0; ; attempt++ {
		token, err := c.Token(ctx)
		if err != nil {
			return nil, err
		}
		req, err := http.NewRequestWithContext(ctx, method, target, nil)
		if err != nil {
			return nil, &Error{Op: op, Message: "bad URL", Err: err}
		}
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Accept", "application/json")
		resp, err := c.hc.Do(req)
		if err != nil {
			return nil, c.redact(&Error{Op: op, Message: "request failed", Err: err})
		}
		if resp.StatusCode >= 200 && resp.StatusCode < 300 {
			return resp, nil
		}
		gerr := graphError(op, resp)
		if gerr.Status == http.StatusUnauthorized {
			c.dropToken(token)
		}
		if wait, retry := c.shouldRetry(gerr, attempt); retry {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(wait):
				continue
			}
		}
		return nil, gerr
	}
}

func (c *Client) shouldRetry(e *Error, attempt int) (time.Duration, bool) {
	if e.Status != http.StatusTooManyRequests && e.Status != http.StatusServiceUnavailable {
		return 0, false
	}
	if c.cfg.MaxRetries < 0 || attempt >= c.cfg.MaxRetries {
		return 0, false
	}
	wait := e.RetryAfter
	if !e.retryAfterSet {
		wait = time.Duration(1<<attempt) * time.Second
	}
	return wait, wait <= c.cfg.MaxRetryWait
}

func (c *Client) redact(e *Error) *Error {
	if s := c.cfg.ClientSecret; s != "" {
		e.Message = strings.ReplaceAll(e.Message, s, "********")
		if e.Err != nil && strings.Contains(e.Err.Error(), s) {
			e.Err = errors.New(strings.ReplaceAll(e.Err.Error(), s, "********"))
		}
	}
	return e
}

// graphError reads Graph's error body and reads Retry-After.
func graphError(op string, resp *http.Response) *Error {
	defer resp.Body.Close()
	var body struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 8192))
	_ = json.Unmarshal(raw, &body)
	e := &Error{Op: op, Status: resp.StatusCode, Code: body.Error.Code, Message: firstLine(body.Error.Message)}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	if s, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Retry-After"))); err == nil && s >= 0 {
		e.RetryAfter, e.retryAfterSet = time.Duration(s)*time.Second, true
	}
	return e
}

// EncodeShareURL turns a sharing link into a Graph share id: "u!" followed
// by the unpadded base64url of the URL.
func EncodeShareURL(link string) string {
	return "u!" + base64.RawURLEncoding.EncodeToString([]byte(link))
}

func opPath(p string) string {
	if u, err := url.Parse(p); err == nil {
		return u.Path
	}
	return p
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(s)
}
