package httpapi

import (
	"net/http"
	"time"

	"github.com/curatore/curatore/internal/org"
	"github.com/curatore/curatore/internal/setting"
)

// OrganizationResponse is an organization as the API shows it.
type OrganizationResponse struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	DisplayName string         `json:"display_name"`
	Slug        string         `json:"slug"`
	IsActive    bool           `json:"is_active"`
	Settings    map[string]any `json:"settings"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
}

func organizationResponse(o org.Organization) OrganizationResponse {
	return OrganizationResponse{ID: o.ID, Name: o.Name, DisplayName: o.DisplayName, Slug: o.Slug,
		IsActive: o.IsActive, Settings: o.Settings, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

// OrganizationUpdateRequest changes the caller's organization.
type OrganizationUpdateRequest struct {
	Name        *string `json:"name,omitempty"`
	DisplayName *string `json:"display_name,omitempty"`
}

// OrganizationAdminUpdateRequest changes any organization (system administrators).
type OrganizationAdminUpdateRequest struct {
	Name        *string `json:"name,omitempty"`
	DisplayName *string `json:"display_name,omitempty"`
	IsActive    *bool   `json:"is_active,omitempty"`
}

// OrganizationCreateRequest creates an organization.
type OrganizationCreateRequest struct {
	Name        string         `json:"name"`
	DisplayName string         `json:"display_name,omitempty"`
	Slug        string         `json:"slug,omitempty" doc:"lower-case letters, digits and hyphens; derived from name when omitted"`
	Settings    map[string]any `json:"settings,omitempty"`
}

// OrganizationListResponse is a page of organizations.
type OrganizationListResponse struct {
	Organizations []OrganizationResponse `json:"organizations"`
	Total         int                    `json:"total"`
}

// SettingsBody carries one layer of settings (system, organization or user),
// nested by group ({"quality_thresholds": {"clarity": 8}}). On PUT it is
// checked against the catalogue (GET /settings/schema) and deep-merged into
// the stored layer: a null removes a setting, which then falls back to the
// next layer.
type SettingsBody struct {
	Settings map[string]any `json:"settings" doc:"deep-merged; null removes a setting; unknown keys are refused"`
}

func (s *Server) organizationRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/organizations/me", Tag: "organizations", Access: Authenticated,
			Summary: "The caller's active organization", Resp: OrganizationResponse{}, Handle: s.getMyOrg},
		{Method: "PUT", Path: "/api/v1/organizations/me", Tag: "organizations", Access: Admin,
			Summary: "Update the caller's organization", Body: OrganizationUpdateRequest{}, Resp: OrganizationResponse{}, Handle: s.updateMyOrg},
		{Method: "GET", Path: "/api/v1/organizations/me/settings", Tag: "organizations", Access: Authenticated,
			Summary: "The organization's settings", Resp: SettingsBody{}, Handle: s.getMySettings},
		{Method: "PUT", Path: "/api/v1/organizations/me/settings", Tag: "organizations", Access: Admin,
			Summary: "Deep-merge settings into the organization's (null deletes a key)", Body: SettingsBody{}, Resp: SettingsBody{}, Handle: s.updateMySettings},
		{Method: "GET", Path: "/api/v1/organizations", Tag: "organizations", Access: SystemAdmin,
			Summary: "List every organization (system administrators)", Resp: OrganizationListResponse{}, Handle: s.listOrgs},
		{Method: "POST", Path: "/api/v1/organizations", Tag: "organizations", Access: SystemAdmin, Status: http.StatusCreated,
			Summary: "Create an organization (system administrators)", Body: OrganizationCreateRequest{}, Resp: OrganizationResponse{}, Handle: s.createOrg},
		{Method: "GET", Path: "/api/v1/organizations/{id}", Tag: "organizations", Access: SystemAdmin,
			Summary: "Get any organization (system administrators)", Resp: OrganizationResponse{}, Handle: s.getOrg},
		{Method: "PUT", Path: "/api/v1/organizations/{id}", Tag: "organizations", Access: SystemAdmin,
			Summary: "Update any organization (system administrators)", Body: OrganizationAdminUpdateRequest{}, Resp: OrganizationResponse{}, Handle: s.updateOrg},
		{Method: "DELETE", Path: "/api/v1/organizations/{id}", Tag: "organizations", Access: SystemAdmin, Status: http.StatusNoContent,
			Summary: "Deactivate an organization: its members and keys stop authenticating", Handle: s.deactivateOrg},
	}
}

func (s *Server) getMyOrg(w http.ResponseWriter, r *http.Request) error {
	sc := callerScope(r)
	o, err := s.deps.Orgs.Mine(r.Context(), sc)
	if err != nil {
		return err
	}
	if s.deps.Settings != nil && !sc.IsAdmin() {
		// Only the settings the caller may read, as /organizations/me/settings.
		if o.Settings, err = s.deps.Settings.Org(r.Context(), sc); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, organizationResponse(o))
	return nil
}

func (s *Server) updateMyOrg(w http.ResponseWriter, r *http.Request) error {
	var req OrganizationUpdateRequest
	if err := DecodeJSON(w, r, &req); err != nil {
		return err
	}
	o, err := s.deps.Orgs.UpdateMine(r.Context(), callerScope(r), org.Update{Name: req.Name, DisplayName: req.DisplayName})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, organizationResponse(o))
	return nil
}

func (s *Server) getMySettings(w http.ResponseWriter, r *http.Request) error {
	out, err := s.deps.Settings.Org(r.Context(), callerScope(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, SettingsBody{Settings: out})
	return nil
}

// updateMySettings deep-merges checked settings into the organization's.
func (s *Server) updateMySettings(w http.ResponseWriter, r *http.Request) error {
	return s.putSettings(w, r, s.deps.Settings.UpdateOrg)
}

func (s *Server) listOrgs(w http.ResponseWriter, r *http.Request) error {
	p := params(r)
	skip, limit := p.page()
	f := org.ListFilter{Q: p.str("q"), IsActive: p.boolean("is_active"), Skip: skip, Limit: limit}
	if err := p.err(); err != nil {
		return err
	}
	orgs, total, err := s.deps.Orgs.ListAll(r.Context(), callerScope(r), f)
	if err != nil {
		return err
	}
	out := OrganizationListResponse{Organizations: make([]OrganizationResponse, len(orgs)), Total: total}
	for i, o := range orgs {
		out.Organizations[i] = organizationResponse(o)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) createOrg(w http.ResponseWriter, r *http.Request) error {
	var req OrganizationCreateRequest
	if err := DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := setting.ValidateOrg(req.Settings); err != nil {
		return err
	}
	o, err := s.deps.Orgs.Create(r.Context(), callerScope(r), org.CreateInput{Name: req.Name,
		DisplayName: req.DisplayName, Slug: req.Slug, Settings: req.Settings})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, organizationResponse(o))
	return nil
}

func (s *Server) getOrg(w http.ResponseWriter, r *http.Request) error {
	o, err := s.deps.Orgs.Get(r.Context(), callerScope(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, organizationResponse(o))
	return nil
}

func (s *Server) updateOrg(w http.ResponseWriter, r *http.Request) error {
	var req OrganizationAdminUpdateRequest
	if err := DecodeJSON(w, r, &req); err != nil {
		return err
	}
	o, err := s.deps.Orgs.UpdateAny(r.Context(), callerScope(r), r.PathValue("id"),
		org.Update{Name: req.Name, DisplayName: req.DisplayName, IsActive: req.IsActive})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, organizationResponse(o))
	return nil
}

func (s *Server) deactivateOrg(w http.ResponseWriter, r *http.Request) error {
	if err := s.deps.Orgs.Deactivate(r.Context(), callerScope(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
