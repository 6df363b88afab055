package connection

import (
	"context"
	"errors"
	"fmt"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/netguard"
	"github.com/curatore/curatore/internal/sharepoint"
)

// SharePoint is a Microsoft Graph app registration (client credentials).
type SharePoint struct{}

// Name returns "sharepoint".
func (SharePoint) Name() string { return "sharepoint" }

// DisplayName is shown in the UI.
func (SharePoint) DisplayName() string { return "Microsoft SharePoint" }

// Description is shown in the UI.
func (SharePoint) Description() string {
	return "Connect to SharePoint through Microsoft Graph (app-only) for document inventory and downloads"
}

// Fields are the SharePoint configuration.
func (SharePoint) Fields() []Field {
	return []Field{
		{Name: "tenant_id", Title: "Tenant ID", Kind: String, Required: true, MaxLength: 255},
		{Name: "client_id", Title: "Client (application) ID", Kind: String, Required: true, MaxLength: 255},
		{Name: "client_secret", Title: "Client secret", Kind: String, Required: true, Secret: true, MaxLength: 4096},
		{Name: "site_url", Title: "Site URL", Kind: String, Format: "uri",
			Description: "Optional: the site the test resolves, e.g. https://contoso.sharepoint.com/sites/Team"},
		{Name: "folder_url", Title: "Folder share link", Kind: String, Format: "uri",
			Description: "Optional: a folder sharing link the test resolves"},
		{Name: "graph_base_url", Title: "Graph base URL", Kind: String, Format: "uri", Default: sharepoint.DefaultGraphBaseURL},
		{Name: "token_url", Title: "Token URL", Kind: String, Default: sharepoint.DefaultTokenURL,
			Description: "{tenant} is replaced by the tenant id (sovereign clouds use another host)"},
		{Name: "scope", Title: "Scope", Kind: String, Default: sharepoint.DefaultScope},
	}
}

// Example is a valid configuration.
func (SharePoint) Example() map[string]any {
	return map[string]any{"tenant_id": "00000000-0000-0000-0000-000000000000", "client_id": "11111111-1111-1111-1111-111111111111",
		"client_secret": "…", "site_url": "https://contoso.sharepoint.com/sites/Documents"}
}

// Check validates the token URL (a template, so not a plain uri format).
func (SharePoint) Check(v Values) apperr.Fields {
	var f apperr.Fields
	if _, err := sharepoint.New(sharePointConfig(v, netguard.Policy{})); err != nil && v.String("tenant_id") != "" && v.String("client_id") != "" && v.String("client_secret") != "" {
		f.Add("config.token_url", "must be an http(s) URL ({tenant} is replaced)")
	}
	return f
}

// sharePointConfig builds the client configuration; calls go through guard.
func sharePointConfig(v Values, guard netguard.Policy) sharepoint.Config {
	return sharepoint.Config{TenantID: v.String("tenant_id"), ClientID: v.String("client_id"),
		ClientSecret: v.String("client_secret"), TokenURL: v.String("token_url"), Scope: v.String("scope"),
		GraphBaseURL: v.String("graph_base_url"), HTTPClient: guard.Client(false), MaxRetries: 1}
}

// Test gets a token, then resolves the folder link, the site, or the root
// site, in that order of preference.
func (SharePoint) Test(ctx context.Context, env TestEnv, v Values) TestResult {
	c, err := sharepoint.New(sharePointConfig(v, env.Guard))
	if err != nil {
		return failed("invalid configuration", err.Error(), nil)
	}
	details := map[string]any{"tenant_id": v.String("tenant_id"), "graph_endpoint": c.GraphBaseURL()}
	if _, err := c.Token(ctx); err != nil {
		details["authenticated"] = false
		return sharePointFailure("could not get a token", err, details)
	}
	details["authenticated"] = true
	switch {
	case v.String("folder_url") != "":
		item, err := c.ResolveShare(ctx, v.String("folder_url"))
		if err != nil {
			return sharePointFailure("token obtained, but the folder link did not resolve", err, details)
		}
		details["folder"] = map[string]any{"name": item.Name, "id": item.ID, "drive_id": item.ParentReference.DriveID, "web_url": item.WebURL}
		return ok(fmt.Sprintf("authenticated; folder %q resolved", item.Name), details)
	case v.String("site_url") != "":
		site, err := c.Site(ctx, v.String("site_url"))
		if err != nil {
			return sharePointFailure("token obtained, but the site did not resolve", err, details)
		}
		details["site"] = map[string]any{"name": site.DisplayName, "id": site.ID, "web_url": site.WebURL}
		return ok(fmt.Sprintf("authenticated; site %q resolved", site.DisplayName), details)
	}
	site, err := c.RootSite(ctx)
	if err != nil {
		return sharePointFailure("token obtained, but the root site could not be read", err, details)
	}
	details["site"] = map[string]any{"name": site.DisplayName, "id": site.ID, "web_url": site.WebURL}
	return ok("authenticated; root site readable", details)
}

func sharePointFailure(what string, err error, details map[string]any) TestResult {
	var e *sharepoint.Error
	if errors.As(err, &e) {
		switch {
		case e.Op == "token" && e.Status != 0:
			return failed(fmt.Sprintf("%s: the credentials were rejected (HTTP %d %s)", what, e.Status, e.Code), err.Error(), details)
		case e.Unauthorized():
			return failed(fmt.Sprintf("%s: access denied (HTTP %d); grant the app %s with admin consent", what, e.Status, e.Permission),
				err.Error(), details)
		case e.Status != 0:
			return failed(fmt.Sprintf("%s: Graph answered HTTP %d %s", what, e.Status, e.Code), err.Error(), details)
		}
	}
	if msg, known := describe(err, 0); known {
		return failed(what+": "+msg, err.Error(), details)
	}
	return failed(what, err.Error(), details)
}
