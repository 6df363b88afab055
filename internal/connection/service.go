package connection

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/secret"
)

// Service holds the rules for connections. Every method takes the caller's
// scope first; the organization comes from it.
type Service struct {
	DB   *db.DB
	Keys *secret.Keyring
	// Env is what live tests dial through (the guard policy).
	Env TestEnv
	// AutoTest is the default of test_on_save on create (AUTO_TEST_CONNECTIONS).
	AutoTest bool
	// TestTimeout bounds one live test; 0 means 2 minutes.
	TestTimeout time.Duration
}

// CreateInput is a new connection.
type CreateInput struct {
	Name        string
	Description string
	Type        string
	Config      map[string]any
	IsDefault   bool
	TestOnSave  *bool // nil: AutoTest
}

// UpdateInput is a partial update: nil fields are unchanged. In Config, an
// omitted key is unchanged, null clears it (a default applies again), and a
// secret sent as Masked (or "") keeps its stored value.
type UpdateInput struct {
	Name        *string
	Description *string
	Config      map[string]any
	IsActive    *bool
	IsDefault   *bool
	TestOnSave  *bool // nil: test when the config changed and AutoTest is on
}

func checkNames(name string, description *string) apperr.Fields {
	var f apperr.Fields
	if n := strings.TrimSpace(name); n == "" || len(n) > 255 {
		f.Add("name", "must be 1 to 255 characters")
	}
	if description != nil && len(*description) > 500 {
		f.Add("description", "must be at most 500 characters")
	}
	return f
}

func lookupType(name string) (Type, error) {
	t, ok := Lookup(name)
	if !ok {
		names := make([]string, 0, len(registry))
		for _, r := range registry {
			names = append(names, r.Name())
		}
		return nil, apperr.Field("connection_type", fmt.Sprintf("unknown connection type %q; one of %s", name, strings.Join(names, ", ")))
	}
	return t, nil
}

// configure validates a full configuration (secrets included) for t.
func configure(t Type, cfg map[string]any) (Values, error) {
	v, errs := validate(t.Fields(), cfg)
	if len(errs) == 0 {
		errs = append(errs, t.Check(v)...)
	}
	return v, errs.Err()
}

// Create stores a new connection, tested first when asked. A failing test
// still saves, with the result recorded.
func (s *Service) Create(ctx context.Context, sc auth.Scope, in CreateInput) (Connection, error) {
	f := checkNames(in.Name, &in.Description)
	t, err := lookupType(in.Type)
	if err != nil {
		return Connection{}, err
	}
	if err := f.Err(); err != nil {
		return Connection{}, err
	}
	v, err := configure(t, mergeConfig(t, nil, nil, in.Config))
	if err != nil {
		return Connection{}, err
	}
	now := db.Now()
	c := Connection{ID: db.NewID(), OrgID: sc.OrgID, Name: strings.TrimSpace(in.Name), Description: in.Description,
		Type: t.Name(), IsActive: true, IsDefault: in.IsDefault, Scope: "organization", CreatedBy: sc.UserID,
		CreatedAt: now, UpdatedAt: now}
	c.Config, c.secrets = split(t, v)
	if test := in.TestOnSave; (test == nil && s.AutoTest) || (test != nil && *test) {
		r := s.runTest(ctx, t, v)
		c.TestResult, c.TestStatus, c.LastTestedAt = &r, r.Status, &r.TestedAt
	}
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "connection.create", EntityType: "connection", EntityID: c.ID}
	err = audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		sealedSecrets, err := s.seal(c)
		if err != nil {
			return err
		}
		if err := s.placeDefault(ctx, q, &c, c.IsDefault); err != nil {
			return err
		}
		if err := insert(ctx, q, &c, sealedSecrets); err != nil {
			return err
		}
		if c.TestResult != nil {
			if err := saveTest(ctx, q, c.OrgID, c.ID, *c.TestResult); err != nil {
				return err
			}
		}
		e.Details = map[string]any{"name": c.Name, "connection_type": c.Type, "config": c.Config,
			"sealed_fields": secretNames(c), "is_default": c.IsDefault, "test_status": c.TestStatus}
		return nil
	})
	return c, err
}

// placeDefault makes c the default when asked, or when its type has none
// yet (the first connection of a type is the default).
func (s *Service) placeDefault(ctx context.Context, q db.Querier, c *Connection, want bool) error {
	if want {
		c.IsDefault = true
		return clearDefault(ctx, q, c.OrgID, c.Type, c.ID)
	}
	if err := lockType(ctx, q, c.OrgID, c.Type); err != nil {
		return err
	}
	has, err := hasDefault(ctx, q, c.OrgID, c.Type)
	if err != nil {
		return err
	}
	c.IsDefault = !has && c.IsActive
	return nil
}

// Get returns one of the organization's connections.
func (s *Service) Get(ctx context.Context, sc auth.Scope, id string) (Connection, error) {
	return s.load(ctx, s.DB, sc.OrgID, id)
}

func (s *Service) load(ctx context.Context, q db.Querier, orgID, id string) (Connection, error) {
	c, sl, err := byID(ctx, q, orgID, id)
	if err != nil {
		return Connection{}, err
	}
	return c, s.open(&c, sl)
}

// List returns a page of the organization's connections and the total.
func (s *Service) List(ctx context.Context, sc auth.Scope, f Filter) ([]Connection, int, error) {
	rows, total, err := list(ctx, s.DB, sc.OrgID, f)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Connection, 0, len(rows))
	for _, r := range rows {
		c := r.Connection
		if err := s.open(&c, r.sealed); err != nil {
			return nil, 0, err
		}
		out = append(out, c)
	}
	return out, total, nil
}

// mergeConfig applies input over the stored configuration: an omitted key
// is unchanged, null clears it, a secret sent as Masked or "" keeps its
// stored value, and "<secret>_set" echoes are ignored.
func mergeConfig(t Type, public map[string]any, secrets map[string]string, input map[string]any) map[string]any {
	out := make(map[string]any, len(public)+len(secrets)+len(input))
	for k, v := range public {
		out[k] = v
	}
	for k, v := range secrets {
		out[k] = v
	}
	isSecret := map[string]bool{}
	for _, n := range secretFields(t) {
		isSecret[n] = true
	}
	for k, v := range input {
		if strings.HasSuffix(k, "_set") && isSecret[strings.TrimSuffix(k, "_set")] {
			continue
		}
		if str, isStr := v.(string); isSecret[k] && isStr && (str == Masked || strings.TrimSpace(str) == "") {
			continue
		}
		if v == nil {
			delete(out, k)
			continue
		}
		out[k] = v
	}
	return out
}

// split separates validated values into the stored config and the secrets.
func split(t Type, v Values) (map[string]any, map[string]string) {
	cfg, secrets := map[string]any{}, map[string]string{}
	isSecret := map[string]bool{}
	for _, n := range secretFields(t) {
		isSecret[n] = true
	}
	for k, val := range v {
		if isSecret[k] {
			if s, _ := val.(string); s != "" {
				secrets[k] = s
			}
			continue
		}
		cfg[k] = val
	}
	return cfg, secrets
}

func secretNames(c Connection) []string {
	names := []string{}
	t, _ := Lookup(c.Type)
	if t == nil {
		return names
	}
	for _, n := range secretFields(t) {
		if c.secrets[n] != "" {
			names = append(names, n)
		}
	}
	return names
}

// aad binds a sealed column to its row.
func aad(c Connection) []byte { return []byte("connection:" + c.OrgID + "/" + c.ID) }

func (s *Service) seal(c Connection) (sealed, error) {
	if len(c.secrets) == 0 {
		return sealed{}, nil
	}
	plain, err := json.Marshal(c.secrets)
	if err != nil {
		return sealed{}, err
	}
	id, blob, err := s.Keys.Seal(plain, aad(c))
	return sealed{Blob: blob, KeyID: id}, err
}

func (s *Service) open(c *Connection, sl sealed) error {
	c.secrets = map[string]string{}
	if sl.Blob == "" {
		return nil
	}
	plain, err := s.Keys.Open(sl.KeyID, sl.Blob, aad(*c))
	if err != nil {
		return apperr.Wrap(apperr.Unavailable, "connection_secrets_unreadable",
			"the connection's secrets cannot be decrypted with the configured keys (sealed under key "+sl.KeyID+
				"); configure that key as CURATORE_SECRET_KEY_PREVIOUS", err)
	}
	return json.Unmarshal(plain, &c.secrets)
}

// values is the connection's full configuration, secrets included,
// normalized again (JSON turns integers into floats).
func values(c Connection) (Type, Values, error) {
	t, ok := Lookup(c.Type)
	if !ok {
		return nil, nil, fmt.Errorf("connection %s has unknown type %q", c.ID, c.Type)
	}
	all := make(map[string]any, len(c.Config)+len(c.secrets))
	for k, v := range c.Config {
		all[k] = v
	}
	for k, v := range c.secrets {
		all[k] = v
	}
	v, err := configure(t, all)
	return t, v, err
}

func (s *Service) runTest(ctx context.Context, t Type, v Values) TestResult {
	timeout := s.TestTimeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	start := time.Now()
	r := t.Test(ctx, s.Env, v)
	r.LatencyMS = time.Since(start).Milliseconds()
	r.TestedAt = db.Now()
	if r.Details == nil {
		r.Details = map[string]any{}
	}
	r.Message, r.Error = scrub(r.Message, v, t), scrub(r.Error, v, t)
	return r
}

// scrub removes any secret value that a remote server echoed into a
// message.
func scrub(s string, v Values, t Type) string {
	for _, n := range secretFields(t) {
		if sec := v.String(n); len(sec) >= 4 {
			s = strings.ReplaceAll(s, sec, Masked)
		}
	}
	return s
}
