package httpapi

import (
	"net/http"
	"time"

	"github.com/curatore/curatore/internal/auth"
)

// APIKeyResponse is a key as listed (never the key itself).
type APIKeyResponse struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	UserID     string     `json:"user_id"`
	IsActive   bool       `json:"is_active"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	Scopes     []string   `json:"scopes"`
}

// APIKeyList is a page of keys and the total matching.
type APIKeyList struct {
	Keys  []APIKeyResponse `json:"keys"`
	Total int              `json:"total"`
}

// CreateAPIKeyRequest describes a new key.
type CreateAPIKeyRequest struct {
	Name        string   `json:"name"`
	ExpiresDays *int     `json:"expires_days,omitempty"`
	Scopes      []string `json:"scopes,omitempty"`
}

// CreatedAPIKey is returned once, at creation: Key is never shown again.
type CreatedAPIKey struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	Key       string     `json:"key"`
	Prefix    string     `json:"prefix"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at"`
}

// UpdateAPIKeyRequest renames a key.
type UpdateAPIKeyRequest struct {
	Name *string `json:"name,omitempty"`
}

func (s *Server) apiKeyRoutes() []Route {
	if s.deps.AuthService == nil {
		return nil
	}
	return []Route{
		{Method: "GET", Path: "/api/v1/api-keys", Tag: "api-keys", Access: Authenticated,
			Summary: "List API keys: your own, or every key of the organization for an org admin",
			Resp:    APIKeyList{}, Handle: s.listKeys},
		{Method: "POST", Path: "/api/v1/api-keys", Tag: "api-keys", Access: Writer, Status: http.StatusCreated,
			Summary: "Create an API key; the full key is returned this once", Body: CreateAPIKeyRequest{},
			Resp: CreatedAPIKey{}, Handle: s.createKey},
		{Method: "PUT", Path: "/api/v1/api-keys/{id}", Tag: "api-keys", Access: Writer, Summary: "Rename an API key",
			Body: UpdateAPIKeyRequest{}, Resp: APIKeyResponse{}, Handle: s.updateKey},
		{Method: "DELETE", Path: "/api/v1/api-keys/{id}", Tag: "api-keys", Access: Writer, Status: http.StatusNoContent,
			Summary: "Revoke an API key (permanent)", Handle: s.revokeKey},
	}
}

func keyResponse(k auth.APIKey) APIKeyResponse {
	return APIKeyResponse{ID: k.ID, Name: k.Name, Prefix: k.Prefix, UserID: k.UserID, IsActive: k.IsActive,
		CreatedAt: k.CreatedAt, LastUsedAt: k.LastUsedAt, ExpiresAt: k.ExpiresAt, Scopes: k.Scopes}
}

func (s *Server) listKeys(w http.ResponseWriter, r *http.Request) error {
	f, err := keyFilter(r)
	if err != nil {
		return err
	}
	sc := callerScope(r)
	keys, total, err := s.deps.AuthService.ListKeys(r.Context(), sc, f)
	if err != nil {
		return err
	}
	out := APIKeyList{Keys: make([]APIKeyResponse, 0, len(keys)), Total: total}
	for _, k := range keys {
		out.Keys = append(out.Keys, keyResponse(k))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// keyFilter reads is_active, skip and limit (1..1000, default 100).
func keyFilter(r *http.Request) (auth.KeyFilter, error) {
	p := params(r)
	skip, limit := p.page()
	f := auth.KeyFilter{IsActive: p.boolean("is_active"), Skip: skip, Limit: limit}
	return f, p.err()
}

func (s *Server) createKey(w http.ResponseWriter, r *http.Request) error {
	var in CreateAPIKeyRequest
	if err := DecodeJSON(w, r, &in); err != nil {
		return err
	}
	sc := callerScope(r)
	k, key, err := s.deps.AuthService.CreateKey(r.Context(), sc, auth.NewKeyInput{Name: in.Name, ExpiresDays: in.ExpiresDays, Scopes: in.Scopes})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, CreatedAPIKey{ID: k.ID, Name: k.Name, Key: key, Prefix: k.Prefix,
		CreatedAt: k.CreatedAt, ExpiresAt: k.ExpiresAt})
	return nil
}

func (s *Server) updateKey(w http.ResponseWriter, r *http.Request) error {
	var in UpdateAPIKeyRequest
	if err := DecodeJSON(w, r, &in); err != nil {
		return err
	}
	sc := callerScope(r)
	var k auth.APIKey
	var err error
	if in.Name == nil {
		k, err = s.deps.AuthService.Key(r.Context(), s.deps.DB, sc, r.PathValue("id"))
	} else {
		k, err = s.deps.AuthService.RenameKey(r.Context(), sc, r.PathValue("id"), *in.Name)
	}
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, keyResponse(k))
	return nil
}

func (s *Server) revokeKey(w http.ResponseWriter, r *http.Request) error {
	sc := callerScope(r)
	if err := s.deps.AuthService.RevokeKey(r.Context(), sc, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
