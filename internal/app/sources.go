package app

import "github.com/curatore/curatore/internal/source"

// buildSources creates the SharePoint sources service and lets the job
// workers run its imports and syncs.
func (a *App) buildSources() {
	a.Sources = &source.Service{DB: a.DB, Docs: a.Documents, Jobs: a.Jobs, Graph: a.ConnectionResolver}
	a.Sources.Register()
}
