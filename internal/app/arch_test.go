package app

import (
	"os/exec"
	"strings"
	"testing"
)

// TestDependencyDirection keeps the layering of DESIGN.md: only the db
// package imports database drivers, and domain packages never import
// net/http (only the HTTP layers, the wiring, and clients of remote
// services do).
func TestDependencyDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", `{{.ImportPath}} {{join .Imports " "}}`, "github.com/curatore/curatore/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	const mod = "github.com/curatore/curatore/"
	// Packages allowed to import net/http: the HTTP server layers, the
	// wiring, the command, and clients of systems outside us.
	httpAllowed := []string{"cmd/", "bench/", "internal/app", "internal/httpapi", "internal/web", "internal/extract/remote", "internal/llm", "internal/connection/", "internal/email", "internal/testenv",
		"internal/netguard", "internal/sharepoint", "internal/webhook"}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg, imports := strings.TrimPrefix(fields[0], mod), fields[1:]
		for _, imp := range imports {
			isDriver := strings.HasPrefix(imp, "modernc.org/sqlite") || strings.HasPrefix(imp, "github.com/jackc/pgx")
			if isDriver && pkg != "internal/db" {
				t.Errorf("%s imports the driver %s; only internal/db may", pkg, imp)
			}
			if imp == "net/http" && !hasAnyPrefix(pkg, httpAllowed) {
				t.Errorf("%s imports net/http; domain packages must not", pkg)
			}
		}
	}
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}
