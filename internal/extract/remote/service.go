package remote

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/extract/format"
)

// Service is a client of the reference system's extraction service
// (POST /api/v1/extract).
type Service struct {
	// URL is the base URL, e.g. http://extraction:8010.
	URL string
	// APIKey, when set, is sent as "Authorization: Bearer <key>".
	APIKey string
	// Timeout bounds one document; 0 means 300 s.
	Timeout time.Duration
	// HealthPath is probed by Health; empty means "/health".
	HealthPath string
	// Client is the HTTP client; nil means a default one.
	Client *http.Client
}

// NewService returns a client for the extraction service at baseURL.
func NewService(baseURL, apiKey string, timeout time.Duration) *Service {
	return &Service{URL: strings.TrimRight(baseURL, "/"), APIKey: apiKey, Timeout: timeout, Client: newClient(true)}
}

const serviceName = "default"

// serviceResponse is the JSON answer of /api/v1/extract.
type serviceResponse struct {
	Filename        string         `json:"filename"`
	ContentMarkdown string         `json:"content_markdown"`
	ContentChars    int            `json:"content_chars"`
	Method          string         `json:"method"`
	OCRUsed         bool           `json:"ocr_used"`
	PageCount       int            `json:"page_count"`
	MediaType       string         `json:"media_type"`
	Metadata        map[string]any `json:"metadata"`
}

func (s *Service) client() *http.Client {
	if s.Client != nil {
		return s.Client
	}
	return sharedClient(true)
}

// Convert sends one document to the service. A 422 answer (no text could
// be extracted) is an *Error with Code "empty".
func (s *Service) Convert(ctx context.Context, name string, data []byte) (*Result, error) {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 300 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	body, ct, err := multipartBody("file", name, data, nil)
	if err != nil {
		return nil, &Error{Engine: serviceName, Msg: "cannot build request", Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/api/v1/extract", body)
	if err != nil {
		return nil, &Error{Engine: serviceName, Msg: "bad URL", Err: err}
	}
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Accept", "application/json")
	s.authorize(req)
	var resp serviceResponse
	if err := do(ctx, s.client(), serviceName, req, &resp); err != nil {
		return nil, err
	}
	if strings.TrimSpace(resp.ContentMarkdown) == "" {
		return nil, &Error{Engine: serviceName, Msg: "no text in the document", Code: format.CodeEmpty}
	}
	method := resp.Method
	if method == "" {
		method = "extraction-service"
	}
	return &Result{Markdown: resp.ContentMarkdown, Method: method, PageCount: resp.PageCount, OCRUsed: resp.OCRUsed}, nil
}

func (s *Service) authorize(req *http.Request) {
	if s.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+s.APIKey)
	}
}

// Health checks that the service answers on its health path.
func (s *Service) Health(ctx context.Context) error {
	path := s.HealthPath
	if path == "" {
		path = "/health"
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+path, nil)
	if err != nil {
		return &Error{Engine: serviceName, Msg: "bad URL", Err: err}
	}
	s.authorize(req)
	return do(ctx, s.client(), serviceName, req, nil)
}
