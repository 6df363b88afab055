package connection_test

import (
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
)

func engines() []db.Engine { return dbtest.Engines() }
