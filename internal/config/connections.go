package config

import (
	"strconv"
	"strings"
	"time"
)

// OpenAIEnv is the environment's LLM endpoint (OPENAI_*), the resolver's
// fallback when an organization has no default llm connection.
type OpenAIEnv struct {
	APIKey        string        // OPENAI_API_KEY
	Model         string        // OPENAI_MODEL (gpt-4o-mini)
	BaseURL       string        // OPENAI_BASE_URL (https://api.openai.com/v1)
	BaseURLSet    bool          // OPENAI_BASE_URL was given (a local server needs no key)
	VerifySSL     bool          // OPENAI_VERIFY_SSL (true)
	Timeout       time.Duration // OPENAI_TIMEOUT, seconds (60)
	MaxRetries    int           // OPENAI_MAX_RETRIES (3)
	ContextWindow int           // OPENAI_CONTEXT_WINDOW, tokens (8192)
}

// Configured reports whether the environment names an LLM endpoint: an API
// key, or a base URL of a server that needs none.
func (o OpenAIEnv) Configured() bool { return o.APIKey != "" || o.BaseURLSet }

// SharePointEnv is the environment's Graph app registration (MS_*).
type SharePointEnv struct {
	TenantID     string // MS_TENANT_ID
	ClientID     string // MS_CLIENT_ID
	ClientSecret string // MS_CLIENT_SECRET
	Scope        string // MS_GRAPH_SCOPE
	GraphBaseURL string // MS_GRAPH_BASE_URL
	TokenURL     string // MS_GRAPH_TOKEN_URL
}

// Configured reports whether all three credentials are set.
func (s SharePointEnv) Configured() bool {
	return s.TenantID != "" && s.ClientID != "" && s.ClientSecret != ""
}

// Connections is the configuration of connections and their secrets.
type Connections struct {
	OpenAI     OpenAIEnv
	SharePoint SharePointEnv
	// SecretKey is CURATORE_SECRET_KEY; SecretKeyPrevious is
	// CURATORE_SECRET_KEY_PREVIOUS (comma-separated); SecretKeyFile is
	// CURATORE_SECRET_KEY_FILE.
	SecretKey         string
	SecretKeyPrevious []string
	SecretKeyFile     string
	// AllowPrivate is CONNECTIONS_ALLOW_PRIVATE: connections may reach
	// loopback and private networks (on-premises LLMs).
	AllowPrivate bool
	// AutoTest is AUTO_TEST_CONNECTIONS: the default of test_on_save.
	AutoTest bool
	// HealthTTL is CONNECTION_HEALTH_TTL (seconds): how long a test result
	// answers the health endpoints before the next live test.
	HealthTTL time.Duration
	// AuthRequested is true when ENABLE_AUTH=true is set explicitly (not
	// the default): such a deployment must configure its secret key.
	AuthRequested bool
}

func readConnections(r *reader) Connections {
	c := Connections{
		OpenAI: OpenAIEnv{
			APIKey:        r.str("OPENAI_API_KEY", ""),
			Model:         r.str("OPENAI_MODEL", "gpt-4o-mini"),
			BaseURL:       strings.TrimRight(r.str("OPENAI_BASE_URL", "https://api.openai.com/v1"), "/"),
			VerifySSL:     r.boolean("OPENAI_VERIFY_SSL", true),
			Timeout:       r.floatSeconds("OPENAI_TIMEOUT", 60),
			MaxRetries:    r.integer("OPENAI_MAX_RETRIES", 3, 0, 10),
			ContextWindow: r.integer("OPENAI_CONTEXT_WINDOW", 8192, 512, 10_000_000),
		},
		SharePoint: SharePointEnv{
			TenantID:     r.str("MS_TENANT_ID", ""),
			ClientID:     r.str("MS_CLIENT_ID", ""),
			ClientSecret: r.str("MS_CLIENT_SECRET", ""),
			Scope:        r.str("MS_GRAPH_SCOPE", "https://graph.microsoft.com/.default"),
			GraphBaseURL: r.str("MS_GRAPH_BASE_URL", "https://graph.microsoft.com/v1.0"),
			TokenURL:     r.str("MS_GRAPH_TOKEN_URL", "https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token"),
		},
		SecretKey:     strings.TrimSpace(r.str("CURATORE_SECRET_KEY", "")),
		SecretKeyFile: r.str("CURATORE_SECRET_KEY_FILE", ""),
		AllowPrivate:  r.boolean("CONNECTIONS_ALLOW_PRIVATE", false),
		AutoTest:      r.boolean("AUTO_TEST_CONNECTIONS", true),
		HealthTTL:     r.seconds("CONNECTION_HEALTH_TTL", 300),
	}
	_, c.OpenAI.BaseURLSet = r.lookup("OPENAI_BASE_URL")
	if _, set := r.lookup("ENABLE_AUTH"); set {
		c.AuthRequested = r.boolean("ENABLE_AUTH", true)
	}
	for _, k := range strings.Split(r.str("CURATORE_SECRET_KEY_PREVIOUS", ""), ",") {
		if k = strings.TrimSpace(k); k != "" {
			c.SecretKeyPrevious = append(c.SecretKeyPrevious, k)
		}
	}
	return c
}

// floatSeconds reads seconds that may have a fraction ("60.0", as the
// reference wrote OPENAI_TIMEOUT).
func (r *reader) floatSeconds(name string, def float64) time.Duration {
	v, ok := r.lookup(name)
	if !ok {
		return time.Duration(def * float64(time.Second))
	}
	f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil || f <= 0 || f > 3600 {
		r.fail(name, "must be a number of seconds between 0 and 3600")
		return time.Duration(def * float64(time.Second))
	}
	return time.Duration(f * float64(time.Second))
}
