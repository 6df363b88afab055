package remote

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/extract/format"
)

// Docling is a Docling Serve client (API v1).
type Docling struct {
	// URL is the base URL, e.g. http://docling:5001.
	URL string
	// Timeout bounds one document, polling included; 0 means 300 s.
	Timeout time.Duration
	// AsyncAbove is the size in bytes above which the asynchronous API is
	// used (long conversions outlive proxies' request timeouts); 0 means
	// 5 MiB, a negative value means always.
	AsyncAbove int64
	// PollInterval is the pause between status polls; 0 means 2 s.
	PollInterval time.Duration
	// Client is the HTTP client; nil means one built from VerifyTLS.
	Client *http.Client
	// VerifyTLS checks the server certificate (DOCLING_VERIFY_SSL).
	VerifyTLS bool
	// APIKey, when set, is sent as X-Api-Key (Docling Serve's
	// DOCLING_SERVE_API_KEY).
	APIKey string
}

// NewDocling returns a client for the Docling Serve at baseURL.
func NewDocling(baseURL string, timeout time.Duration, verifyTLS bool) *Docling {
	return &Docling{URL: strings.TrimRight(baseURL, "/"), Timeout: timeout, VerifyTLS: verifyTLS,
		Client: newClient(verifyTLS)}
}

const doclingName = "docling"

// doclingFields are the conversion options sent with every document:
// Markdown out, images as placeholders, OCR where the text layer is missing.
var doclingFields = [][2]string{
	{"to_formats", "md"},
	{"image_export_mode", "placeholder"},
	{"do_ocr", "true"},
	{"force_ocr", "false"},
	{"do_table_structure", "true"},
	{"table_mode", "accurate"},
	{"abort_on_error", "false"},
}

// doclingResponse is the answer of /v1/convert/file and /v1/result/{id}.
type doclingResponse struct {
	Document struct {
		Filename  string `json:"filename"`
		MDContent string `json:"md_content"`
	} `json:"document"`
	Status string `json:"status"`
	Errors []struct {
		Message string `json:"error_message"`
	} `json:"errors"`
}

// doclingTask is the answer of the async submit and poll endpoints.
type doclingTask struct {
	TaskID     string `json:"task_id"`
	TaskStatus string `json:"task_status"`
}

func (d *Docling) client() *http.Client {
	if d.Client != nil {
		return d.Client
	}
	return sharedClient(d.VerifyTLS)
}

// Convert sends one document to Docling Serve and returns its Markdown.
func (d *Docling) Convert(ctx context.Context, name string, data []byte) (*Result, error) {
	timeout := d.Timeout
	if timeout <= 0 {
		timeout = 300 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	above := d.AsyncAbove
	if above == 0 {
		above = 5 << 20
	}
	var resp doclingResponse
	var err error
	if above < 0 || int64(len(data)) > above {
		err = d.convertAsync(ctx, name, data, &resp)
	} else {
		err = d.post(ctx, "/v1/convert/file", name, data, &resp)
	}
	if err != nil {
		return nil, err
	}
	return doclingResult(resp)
}

func (d *Docling) post(ctx context.Context, path, name string, data []byte, v any) error {
	body, ct, err := multipartBody("files", name, data, doclingFields)
	if err != nil {
		return &Error{Engine: doclingName, Msg: "cannot build request", Err: err}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.URL+path, body)
	if err != nil {
		return &Error{Engine: doclingName, Msg: "bad URL", Err: err}
	}
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Accept", "application/json")
	d.authorize(req)
	return do(ctx, d.client(), doclingName, req, v)
}

// convertAsync submits the document, polls until the task ends and fetches
// the result.
func (d *Docling) convertAsync(ctx context.Context, name string, data []byte, resp *doclingResponse) error {
	var task doclingTask
	if err := d.post(ctx, "/v1/convert/file/async", name, data, &task); err != nil {
		return err
	}
	if task.TaskID == "" {
		return &Error{Engine: doclingName, Msg: "async submit returned no task id"}
	}
	interval := d.PollInterval
	if interval <= 0 {
		interval = 2 * time.Second
	}
	id := url.PathEscape(task.TaskID)
	for task.TaskStatus != "success" {
		if task.TaskStatus == "failure" {
			return &Error{Engine: doclingName, Msg: "task " + task.TaskID + " failed"}
		}
		select {
		case <-ctx.Done():
			return transportError(ctx, doclingName, ctx.Err())
		case <-time.After(interval):
		}
		if err := d.get(ctx, "/v1/status/poll/"+id, &task); err != nil {
			return err
		}
	}
	return d.get(ctx, "/v1/result/"+id, resp)
}

func (d *Docling) get(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.URL+path, nil)
	if err != nil {
		return &Error{Engine: doclingName, Msg: "bad URL", Err: err}
	}
	req.Header.Set("Accept", "application/json")
	d.authorize(req)
	return do(ctx, d.client(), doclingName, req, v)
}

func (d *Docling) authorize(req *http.Request) {
	if d.APIKey != "" {
		req.Header.Set("X-Api-Key", d.APIKey)
	}
}

// doclingResult checks the conversion status and takes the Markdown.
func doclingResult(resp doclingResponse) (*Result, error) {
	var msgs []string
	for _, e := range resp.Errors {
		msgs = append(msgs, e.Message)
	}
	switch resp.Status {
	case "success", "":
	case "partial_success":
		if resp.Document.MDContent == "" {
			return nil, &Error{Engine: doclingName, Msg: "partial conversion without text: " + strings.Join(msgs, "; ")}
		}
	default:
		return nil, &Error{Engine: doclingName, Msg: "conversion " + resp.Status + ": " + strings.Join(msgs, "; ")}
	}
	if strings.TrimSpace(resp.Document.MDContent) == "" {
		return nil, &Error{Engine: doclingName, Msg: "no text in the document", Code: format.CodeEmpty}
	}
	res := &Result{Markdown: resp.Document.MDContent, Method: "docling"}
	for _, m := range msgs {
		res.Warnings = append(res.Warnings, "docling: "+m)
	}
	return res, nil
}

// Health checks that Docling Serve answers on /health.
func (d *Docling) Health(ctx context.Context) error {
	return health(ctx, d.client(), doclingName, d.URL+"/health", d.Timeout, d.authorize)
}
