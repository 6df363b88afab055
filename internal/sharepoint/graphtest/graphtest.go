// Package graphtest is a fake Microsoft identity platform and Graph on
// loopback for tests, speaking the real wire protocol: the OAuth2
// client-credentials token endpoint (/{tenant}/oauth2/v2.0/token), GET
// /v1.0/sites/…, share links (/shares/{u!…}/driveItem), one document
// library (drive) whose folders list their children in pages linked by
// @odata.nextLink, delta queries on the drive root (@odata.deltaLink; a
// later call returns only what changed, deletions with the deleted facet;
// an expired link is 410 resyncRequired), downloads answered with a 302 to
// a pre-authenticated URL, Graph's error bodies, and scripted failures
// such as 429/503 with Retry-After. It records the client secrets and
// bearer tokens it received and the Graph calls made.
package graphtest

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// DriveID is the id of the fake's document library.
const DriveID = "drive-id"

// RootID is the id of the library's root folder.
const RootID = "root-id"

// Server is the fake; configure it before use or under its own methods.
type Server struct {
	srv *httptest.Server

	mu sync.Mutex
	// ClientID and ClientSecret are the credentials the token endpoint
	// accepts (any tenant).
	clientID, clientSecret string
	secrets                []string // client secrets received
	tokens                 []string // bearer tokens received by Graph
	calls                  []string // Graph calls: "GET /v1.0/…?query"
	issued                 int
	// Status, when set, answers every Graph call with it (e.g. 403).
	status     int
	retryAfter string
	failTimes  int // answer status only this many times (0: always)
	shares     map[string]string
	drive
}

// New starts the fake accepting clientID / clientSecret.
func New(t testing.TB, clientID, clientSecret string) *Server {
	s := &Server{clientID: clientID, clientSecret: clientSecret, shares: map[string]string{}, drive: newDrive()}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", s.token)
	mux.HandleFunc("GET /v1.0/sites/{site...}", s.graph(s.site))
	mux.HandleFunc("GET /v1.0/shares/{id}/driveItem", s.graph(s.share))
	mux.HandleFunc("GET /v1.0/drives/{drive}/items/{item}", s.graph(s.getItem))
	mux.HandleFunc("GET /v1.0/drives/{drive}/items/{item}/children", s.graph(s.children))
	mux.HandleFunc("GET /v1.0/drives/{drive}/items/{item}/content", s.graph(s.content))
	mux.HandleFunc("GET /v1.0/drives/{drive}/root/delta", s.graph(s.delta))
	mux.HandleFunc("GET /download/{item}", s.download)
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	return s
}

// TokenURL is the token endpoint template ({tenant} replaced by the client).
func (s *Server) TokenURL() string { return s.srv.URL + "/{tenant}/oauth2/v2.0/token" }

// GraphURL is the Graph base URL (…/v1.0).
func (s *Server) GraphURL() string { return s.srv.URL + "/v1.0" }

// AddShare makes a sharing link resolve to a new folder with that name
// under the library's root and returns the folder's id.
func (s *Server) AddShare(link, folderName string) string {
	id := s.AddFolder(RootID, folderName)
	s.ShareItem(link, id)
	return id
}

// ShareItem makes a sharing link resolve to an existing item.
func (s *Server) ShareItem(link, itemID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shares["u!"+base64.RawURLEncoding.EncodeToString([]byte(link))] = itemID
}

// Fail answers the next n Graph calls (every call when n is 0) with status
// and, when set, Retry-After.
func (s *Server) Fail(status int, retryAfter string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.retryAfter, s.failTimes = status, retryAfter, n
}

// Secrets lists the client secrets the token endpoint received.
func (s *Server) Secrets() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.secrets...)
}

// Tokens lists the bearer tokens Graph received.
func (s *Server) Tokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.tokens...)
}

// Calls lists the Graph calls received ("GET /v1.0/…?query"), including
// the ones answered with a scripted failure.
func (s *Server) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
}

// CallCount counts the Graph calls whose line contains part.
func (s *Server) CallCount(part string) int {
	n := 0
	for _, c := range s.Calls() {
		if strings.Contains(c, part) {
			n++
		}
	}
	return n
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	_ = r.ParseForm()
	s.mu.Lock()
	s.secrets = append(s.secrets, r.PostForm.Get("client_secret"))
	ok := r.PostForm.Get("grant_type") == "client_credentials" && r.PostForm.Get("client_id") == s.clientID &&
		r.PostForm.Get("client_secret") == s.clientSecret && r.PostForm.Get("scope") != ""
	s.issued++
	n := s.issued
	s.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "invalid_client",
			"error_description": "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 0"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"token_type": "Bearer", "expires_in": 3599,
		"access_token": "token-" + r.PathValue("tenant") + "-" + strconv.Itoa(n)})
}

// graph checks the bearer token and the scripted failures, then serves h.
func (s *Server) graph(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		s.tokens = append(s.tokens, tok)
		s.calls = append(s.calls, r.Method+" "+r.URL.RequestURI())
		status, retry := s.status, s.retryAfter
		if status != 0 && s.failTimes > 0 {
			if s.failTimes--; s.failTimes == 0 {
				s.status = 0
			}
		}
		s.mu.Unlock()
		switch {
		case !strings.HasPrefix(tok, "token-"):
			graphError(w, http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token is empty or invalid.")
		case status != 0:
			if retry != "" {
				w.Header().Set("Retry-After", retry)
			}
			graphError(w, status, map[int]string{403: "accessDenied", 429: "tooManyRequests", 503: "serviceNotAvailable"}[status],
				"Scripted failure.")
		default:
			h(w, r)
		}
	}
}

func (s *Server) site(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("site")
	writeJSON(w, http.StatusOK, map[string]any{"id": "contoso.sharepoint.com,site-id,web-id", "name": name,
		"displayName": "Site " + name, "webUrl": "https://contoso.sharepoint.com/" + name})
}

func (s *Server) share(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.items[s.shares[r.PathValue("id")]]
	if it == nil || it.deleted {
		graphError(w, http.StatusNotFound, "itemNotFound", "The sharing link no longer exists, or you do not have permission to access it.")
		return
	}
	writeJSON(w, http.StatusOK, s.itemJSON(it))
}

func graphError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": msg,
		"innerError": map[string]any{"date": time.Now().UTC().Format(time.RFC3339), "request-id": "fake"}}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
