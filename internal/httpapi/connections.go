package httpapi

import (
	"net/http"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/connection"
)

// ConnectionType is one registered type with its JSON Schema.
type ConnectionType struct {
	Type          string         `json:"type"`
	DisplayName   string         `json:"display_name"`
	Description   string         `json:"description"`
	ConfigSchema  map[string]any `json:"config_schema"`
	ExampleConfig map[string]any `json:"example_config"`
}

// ConnectionTypes lists the registered types.
type ConnectionTypes struct {
	Types []ConnectionType `json:"types"`
}

// ConnectionResponse is a connection as shown: secret fields are masked
// ("********" plus "<field>_set").
type ConnectionResponse struct {
	ID             string                 `json:"id"`
	OrganizationID string                 `json:"organization_id"`
	Name           string                 `json:"name"`
	Description    string                 `json:"description"`
	ConnectionType string                 `json:"connection_type"`
	Config         map[string]any         `json:"config"`
	IsActive       bool                   `json:"is_active"`
	IsDefault      bool                   `json:"is_default"`
	LastTestedAt   *time.Time             `json:"last_tested_at"`
	TestStatus     *string                `json:"test_status"`
	TestResult     *connection.TestResult `json:"test_result"`
	Scope          string                 `json:"scope"`
	CreatedAt      time.Time              `json:"created_at"`
	UpdatedAt      time.Time              `json:"updated_at"`
}

// ConnectionList is a page of connections and the total matching.
type ConnectionList struct {
	Connections []ConnectionResponse `json:"connections"`
	Total       int                  `json:"total"`
}

// CreateConnectionRequest is a new connection.
type CreateConnectionRequest struct {
	Name           string         `json:"name"`
	Description    string         `json:"description,omitempty"`
	ConnectionType string         `json:"connection_type"`
	Config         map[string]any `json:"config"`
	IsDefault      bool           `json:"is_default,omitempty"`
	TestOnSave     *bool          `json:"test_on_save,omitempty"`
	Scope          string         `json:"scope,omitempty"`
}

// UpdateConnectionRequest is a partial update. In config, an omitted key
// is unchanged, null clears it, and a secret sent back as "********" keeps
// its stored value.
type UpdateConnectionRequest struct {
	Name        *string        `json:"name,omitempty"`
	Description *string        `json:"description,omitempty"`
	Config      map[string]any `json:"config,omitempty"`
	IsActive    *bool          `json:"is_active,omitempty"`
	IsDefault   *bool          `json:"is_default,omitempty"`
	TestOnSave  *bool          `json:"test_on_save,omitempty"`
}

// ConnectionTestResponse is the outcome of POST /connections/{id}/test.
type ConnectionTestResponse struct {
	ConnectionID string         `json:"connection_id"`
	Success      bool           `json:"success"`
	Status       string         `json:"status"`
	Message      string         `json:"message"`
	Details      map[string]any `json:"details"`
	Error        *string        `json:"error"`
	LatencyMS    int64          `json:"latency_ms"`
	TestedAt     time.Time      `json:"tested_at"`
}

func (s *Server) connectionRoutes() []Route {
	if s.deps.Connections == nil {
		return nil
	}
	const base = "/api/v1/connections"
	return []Route{
		{Method: "GET", Path: base + "/types", Tag: "connections", Access: Authenticated,
			Summary: "Connection types with their JSON Schemas", Resp: ConnectionTypes{}, Handle: s.connectionTypes},
		{Method: "GET", Path: base, Tag: "connections", Access: Authenticated,
			Summary: "List the organization's connections (filters connection_type, is_active, is_default; skip, limit)",
			Resp:    ConnectionList{}, Handle: s.listConnections},
		{Method: "POST", Path: base, Tag: "connections", Access: Admin, Status: http.StatusCreated,
			Summary: "Create a connection; with test_on_save (default AUTO_TEST_CONNECTIONS) it is tested first and the result stored",
			Body:    CreateConnectionRequest{}, Resp: ConnectionResponse{}, Handle: s.createConnection},
		{Method: "GET", Path: base + "/{id}", Tag: "connections", Access: Authenticated,
			Summary: "One connection (secrets masked)", Resp: ConnectionResponse{}, Handle: s.getConnection},
		{Method: "PUT", Path: base + "/{id}", Tag: "connections", Access: Admin,
			Summary: "Partially update a connection; a secret omitted or sent as ******** keeps its value, null clears it",
			Body:    UpdateConnectionRequest{}, Resp: ConnectionResponse{}, Handle: s.updateConnection},
		{Method: "DELETE", Path: base + "/{id}", Tag: "connections", Access: Admin, Status: http.StatusNoContent,
			Summary: "Delete a connection (jobs resolve at run time and fall back)", Handle: s.deleteConnection},
		{Method: "POST", Path: base + "/{id}/test", Tag: "connections", Access: Admin,
			Summary: "Test a connection live and store the result", Resp: ConnectionTestResponse{}, Handle: s.testConnection},
		{Method: "POST", Path: base + "/{id}/set-default", Tag: "connections", Access: Admin,
			Summary: "Make a connection its type's default for the organization", Resp: ConnectionResponse{}, Handle: s.setDefaultConnection},
	}
}

func connectionResponse(c connection.Connection) ConnectionResponse {
	out := ConnectionResponse{ID: c.ID, OrganizationID: c.OrgID, Name: c.Name, Description: c.Description,
		ConnectionType: c.Type, Config: connection.PublicConfig(c), IsActive: c.IsActive, IsDefault: c.IsDefault,
		LastTestedAt: c.LastTestedAt, TestResult: c.TestResult, Scope: c.Scope, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	if c.TestStatus != "" {
		out.TestStatus = &c.TestStatus
	}
	return out
}

func (s *Server) connectionTypes(w http.ResponseWriter, r *http.Request) error {
	out := ConnectionTypes{Types: []ConnectionType{}}
	for _, t := range connection.Types() {
		out.Types = append(out.Types, ConnectionType{Type: t.Name(), DisplayName: t.DisplayName(), Description: t.Description(),
			ConfigSchema: connection.Schema(t.Fields()), ExampleConfig: t.Example()})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) listConnections(w http.ResponseWriter, r *http.Request) error {
	p := params(r)
	skip, limit := p.page()
	f := connection.Filter{Type: p.str("connection_type"), IsActive: p.boolean("is_active"), IsDefault: p.boolean("is_default"),
		Skip: skip, Limit: limit}
	if err := p.err(); err != nil {
		return err
	}
	list, total, err := s.deps.Connections.List(r.Context(), callerScope(r), f)
	if err != nil {
		return err
	}
	out := ConnectionList{Connections: make([]ConnectionResponse, 0, len(list)), Total: total}
	for _, c := range list {
		out.Connections = append(out.Connections, connectionResponse(c))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) createConnection(w http.ResponseWriter, r *http.Request) error {
	var in CreateConnectionRequest
	if err := DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Scope != "" && in.Scope != "organization" {
		return apperr.Field("scope", `only "organization" is supported`)
	}
	c, err := s.deps.Connections.Create(r.Context(), callerScope(r), connection.CreateInput{Name: in.Name,
		Description: in.Description, Type: in.ConnectionType, Config: in.Config, IsDefault: in.IsDefault, TestOnSave: in.TestOnSave})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, connectionResponse(c))
	return nil
}

func (s *Server) getConnection(w http.ResponseWriter, r *http.Request) error {
	c, err := s.deps.Connections.Get(r.Context(), callerScope(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, connectionResponse(c))
	return nil
}

func (s *Server) updateConnection(w http.ResponseWriter, r *http.Request) error {
	var in UpdateConnectionRequest
	if err := DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := s.deps.Connections.Update(r.Context(), callerScope(r), r.PathValue("id"), connection.UpdateInput{Name: in.Name,
		Description: in.Description, Config: in.Config, IsActive: in.IsActive, IsDefault: in.IsDefault, TestOnSave: in.TestOnSave})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, connectionResponse(c))
	return nil
}

func (s *Server) deleteConnection(w http.ResponseWriter, r *http.Request) error {
	if err := s.deps.Connections.Delete(r.Context(), callerScope(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) testConnection(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	res, err := s.deps.Connections.Test(r.Context(), callerScope(r), id)
	if err != nil {
		return err
	}
	out := ConnectionTestResponse{ConnectionID: id, Success: res.Success, Status: res.Status, Message: res.Message,
		Details: res.Details, LatencyMS: res.LatencyMS, TestedAt: res.TestedAt}
	if res.Error != "" {
		out.Error = &res.Error
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) setDefaultConnection(w http.ResponseWriter, r *http.Request) error {
	c, err := s.deps.Connections.SetDefault(r.Context(), callerScope(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, connectionResponse(c))
	return nil
}
