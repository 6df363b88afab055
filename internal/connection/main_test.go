package connection_test

import (
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/connection"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
)

func engines() []db.Engine { return dbtest.Engines() }

func scope(orgID, userID string) auth.Scope {
	return auth.Scope{OrgID: orgID, UserID: userID, Role: auth.RoleAdmin}
}

func createInput(name, typ string, cfg map[string]any, test *bool) connection.CreateInput {
	return connection.CreateInput{Name: name, Type: typ, Config: cfg, TestOnSave: test}
}
