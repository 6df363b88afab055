// Package graphtest is a fake Microsoft identity platform and Graph on
// loopback for tests: the OAuth2 client-credentials token endpoint
// (/{tenant}/oauth2/v2.0/token), GET /v1.0/sites/…, and GET
// /v1.0/shares/{u!…}/driveItem, with Graph's error bodies. It records the
// client secrets and bearer tokens it received.
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
)

// Server is the fake; configure it before use or under its own methods.
type Server struct {
	srv *httptest.Server

	mu sync.Mutex
	// ClientID and ClientSecret are the credentials the token endpoint
	// accepts (any tenant).
	clientID, clientSecret string
	secrets                []string // client secrets received
	tokens                 []string // bearer tokens received by Graph
	issued                 int
	// Status, when set, answers every Graph call with it (e.g. 403).
	status     int
	retryAfter string
	failTimes  int // answer status only this many times (0: always)
	shares     map[string]string
}

// New starts the fake accepting clientID / clientSecret.
func New(t testing.TB, clientID, clientSecret string) *Server {
	s := &Server{clientID: clientID, clientSecret: clientSecret, shares: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", s.token)
	mux.HandleFunc("GET /v1.0/sites/{site...}", s.graph(s.site))
	mux.HandleFunc("GET /v1.0/shares/{id}/driveItem", s.graph(s.share))
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	return s
}

// TokenURL is the token endpoint template ({tenant} replaced by the client).
func (s *Server) TokenURL() string { return s.srv.URL + "/{tenant}/oauth2/v2.0/token" }

// GraphURL is the Graph base URL (…/v1.0).
func (s *Server) GraphURL() string { return s.srv.URL + "/v1.0" }

// AddShare makes a sharing link resolve to a folder with that name.
func (s *Server) AddShare(link, folderName string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.shares["u!"+base64.RawURLEncoding.EncodeToString([]byte(link))] = folderName
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
	name, ok := s.shares[r.PathValue("id")]
	s.mu.Unlock()
	if !ok {
		graphError(w, http.StatusNotFound, "itemNotFound", "The sharing link no longer exists, or you do not have permission to access it.")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": "folder-id", "name": name, "webUrl": "https://contoso.sharepoint.com/x",
		"folder": map[string]any{"childCount": 2}, "parentReference": map[string]any{"driveId": "drive-id", "id": "root-id"}})
}

func graphError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": msg}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
