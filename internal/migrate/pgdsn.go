package migrate

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// libpqParams are the URL parameters libpq (pg_dump, pg_restore) accepts.
var libpqParams = map[string]bool{
	"sslmode": true, "sslrootcert": true, "sslcert": true, "sslkey": true, "sslpassword": true,
	"connect_timeout": true, "application_name": true, "options": true, "target_session_attrs": true,
	"host": true, "port": true, "user": true, "password": true, "dbname": true, "passfile": true,
}

// libpqDSN turns our pgx URL into one the PostgreSQL tools accept: a
// search_path parameter (a pgx run-time parameter) becomes
// options=-csearch_path=…, and parameters libpq does not know are dropped.
func libpqDSN(dsn string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("PostgreSQL URL: %w", err)
	}
	q := u.Query()
	out := url.Values{}
	for k, v := range q {
		if libpqParams[k] {
			out[k] = v
		}
	}
	if sp := q.Get("search_path"); sp != "" {
		opt := strings.TrimSpace(out.Get("options") + " -csearch_path=" + sp)
		out.Set("options", opt)
	}
	u.RawQuery = out.Encode()
	return u.String(), nil
}

// pgCommand runs a PostgreSQL client tool against dsn without putting the
// password on the command line (where other users could read it): it goes
// in PGPASSWORD.
func pgCommand(ctx context.Context, bin, dsn string, args ...string) (*exec.Cmd, error) {
	conn, err := libpqDSN(dsn)
	if err != nil {
		return nil, err
	}
	u, _ := url.Parse(conn)
	env := os.Environ()
	if u.User != nil {
		if pw, ok := u.User.Password(); ok {
			env = append(env, "PGPASSWORD="+pw)
			u.User = url.User(u.User.Username())
		}
	}
	cmd := exec.CommandContext(ctx, bin, append(args, "--dbname="+u.String())...)
	cmd.Env = env
	return cmd, nil
}

// findTool finds a PostgreSQL client tool.
func findTool(name, fallback string) (string, error) {
	if name == "" {
		name = fallback
	}
	bin, err := exec.LookPath(name)
	if err != nil {
		return "", fmt.Errorf("PostgreSQL backups need the server's %s (%s not found): install the PostgreSQL client tools", fallback, name)
	}
	return bin, nil
}

// exec1 runs a tool that needs no connection and returns its output.
func exec1(ctx context.Context, bin string, args ...string) ([]byte, error) {
	out, err := exec.CommandContext(ctx, bin, args...).Output()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", filepath.Base(bin), strings.Join(args, " "), err)
	}
	return out, nil
}
