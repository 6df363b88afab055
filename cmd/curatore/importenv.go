package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/envimport"
)

func init() {
	register("import-env", "turn the reference system's ENV configuration into connections and settings", runImportEnv)
}

func runImportEnv(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("import-env", flag.ContinueOnError)
	fs.SetOutput(stderr)
	slug := fs.String("org", "", "organization to import into (default DEFAULT_ORG_SLUG; created when missing)")
	dryRun := fs.Bool("dry-run", false, "print what would happen; change nothing")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: curatore import-env [--org SLUG] [--dry-run]

Turns the environment configuration of the reference system (the process
environment and ./.env) into rows of one organization:

  OPENAI_*                               an llm connection
  MS_TENANT_ID, MS_CLIENT_ID,
  MS_CLIENT_SECRET, MS_GRAPH_*           a sharepoint connection
  EXTRACTION_SERVICE_*, DOCLING_*        extraction connections, the one
                                         EXTRACTION_PRIORITY names first
  DEFAULT_*_THRESHOLD, OCR_*,
  EXTRACTION_PRIORITY, EXTRACTION_TIMEOUT   organization settings

Each connection becomes its type's default when the organization has none.
Connections are stored without a live test; test them afterwards (POST
/api/v1/connections/{id}/test). Running it again changes nothing; a value
that already differs is reported as a conflict and left as it is. Every
change is audited. Once imported, the variables can be removed from the
environment (while set, a settings variable still overrides every layer).

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return helpCode(err)
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return 2
	}
	cfg, d, code := openDatabase(stderr)
	if d == nil {
		return code
	}
	defer d.Close()
	ctx := audit.WithActor(context.Background(), audit.Actor{UserAgent: "curatore import-env (command line)"})
	rep, err := envimport.Run(ctx, d, cfg, envimport.Options{Slug: *slug, DryRun: *dryRun, Connections: connectionStore(cfg, d, stderr)})
	if rep != nil {
		printActions(stdout, rep)
	}
	if err != nil {
		fmt.Fprintln(stderr, "import-env:", err)
		return 1
	}
	return 0
}
