package httpapi

import (
	"context"
	"net/http"

	"github.com/curatore/curatore/internal/auth"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/extract"
	"github.com/curatore/curatore/internal/setting"
)

// EffectiveSetting is one setting as it applies to the caller.
type EffectiveSetting struct {
	Key    string `json:"key"`
	Value  any    `json:"value"`
	Source string `json:"source" doc:"env, user, org, system or default"`
	Env    string `json:"env,omitempty" doc:"the environment variable that pins it, when source is env"`
}

// EffectiveSettingsResponse is every setting the caller may read.
type EffectiveSettingsResponse struct {
	Settings []EffectiveSetting `json:"settings"`
}

// ConfigDefaults is GET /config/defaults, in the reference's shape.
type ConfigDefaults struct {
	QualityThresholds map[string]float64 `json:"quality_thresholds"`
	OCRSettings       OCRSettings        `json:"ocr_settings"`
	AutoOptimize      bool               `json:"auto_optimize"`
}

// OCRSettings are the OCR defaults.
type OCRSettings struct {
	Language string `json:"language"`
	PSM      int    `json:"psm"`
}

// SupportedFormats is GET /config/supported-formats, in the reference's shape.
type SupportedFormats struct {
	SupportedExtensions []string `json:"supported_extensions"`
	MaxFileSize         int64    `json:"max_file_size"`
}

func (s *Server) settingRoutes() []Route {
	if s.deps.Settings == nil {
		return nil
	}
	return []Route{
		{Method: "GET", Path: "/api/v1/settings/effective", Tag: "settings", Access: Authenticated,
			Summary: "Every setting the caller may read, its value for the caller and where it came from",
			Resp:    EffectiveSettingsResponse{}, Handle: s.effectiveSettings},
		{Method: "GET", Path: "/api/v1/settings/schema", Tag: "settings", Access: Authenticated,
			Summary: "The settings catalogue as JSON Schema (types, ranges, defaults, layers)", Resp: map[string]any{}, Handle: s.settingsSchema},
		{Method: "GET", Path: "/api/v1/settings/system", Tag: "settings", Access: SystemAdmin,
			Summary: "The server-wide settings layer (system administrators)", Resp: SettingsBody{}, Handle: s.getSystemSettings},
		{Method: "PUT", Path: "/api/v1/settings/system", Tag: "settings", Access: SystemAdmin,
			Summary: "Change server-wide settings (checked against the catalogue; null removes one)",
			Body:    SettingsBody{}, Resp: SettingsBody{}, Handle: s.updateSystemSettings},
		{Method: "GET", Path: "/api/v1/users/me/settings", Tag: "users", Access: Authenticated,
			Summary: "The caller's own settings (preferences)", Resp: SettingsBody{}, Handle: s.getUserSettings},
		{Method: "PUT", Path: "/api/v1/users/me/settings", Tag: "users", Access: Authenticated,
			Summary: "Change the caller's own settings (checked against the catalogue; null removes one)",
			Body:    SettingsBody{}, Resp: SettingsBody{}, Handle: s.updateUserSettings},
		{Method: "GET", Path: "/api/v1/config/defaults", Tag: "config", Access: Authenticated,
			Summary: "Processing defaults for the caller (thresholds, OCR, auto_optimize)", Resp: ConfigDefaults{}, Handle: s.configDefaults},
		{Method: "GET", Path: "/api/v1/config/supported-formats", Tag: "config", Access: Authenticated,
			Summary: "Accepted file extensions and the upload size limit", Resp: SupportedFormats{}, Handle: s.supportedFormats},
	}
}

func (s *Server) effectiveSettings(w http.ResponseWriter, r *http.Request) error {
	vals, err := s.deps.Settings.Effective(r.Context(), callerScope(r))
	if err != nil {
		return err
	}
	out := EffectiveSettingsResponse{Settings: make([]EffectiveSetting, len(vals))}
	for i, v := range vals {
		out.Settings[i] = EffectiveSetting{Key: v.Key, Value: v.Value, Source: string(v.Source)}
		if v.Source == setting.FromEnv {
			d, _ := setting.Lookup(v.Key)
			out.Settings[i].Env = d.Env
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) settingsSchema(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, setting.Schema())
	return nil
}

func (s *Server) getSystemSettings(w http.ResponseWriter, r *http.Request) error {
	out, err := s.deps.Settings.System(r.Context(), callerScope(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, SettingsBody{Settings: out})
	return nil
}

func (s *Server) updateSystemSettings(w http.ResponseWriter, r *http.Request) error {
	return s.putSettings(w, r, s.deps.Settings.UpdateSystem)
}

func (s *Server) getUserSettings(w http.ResponseWriter, r *http.Request) error {
	out, err := s.deps.Settings.User(r.Context(), callerScope(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, SettingsBody{Settings: out})
	return nil
}

func (s *Server) updateUserSettings(w http.ResponseWriter, r *http.Request) error {
	return s.putSettings(w, r, s.deps.Settings.UpdateUser)
}

// putSettings decodes a SettingsBody and applies it with update.
func (s *Server) putSettings(w http.ResponseWriter, r *http.Request,
	update func(ctx context.Context, sc auth.Scope, patch map[string]any) (map[string]any, error)) error {
	var req SettingsBody
	if err := DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Settings == nil {
		return apperr.Field("settings", "must be an object")
	}
	out, err := update(r.Context(), callerScope(r), req.Settings)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, SettingsBody{Settings: out})
	return nil
}

func (s *Server) configDefaults(w http.ResponseWriter, r *http.Request) error {
	v, err := s.deps.Settings.Values(r.Context(), callerScope(r))
	if err != nil {
		return err
	}
	t := v.Thresholds()
	writeJSON(w, http.StatusOK, ConfigDefaults{
		QualityThresholds: map[string]float64{"conversion": t.Conversion, "clarity": t.Clarity,
			"completeness": t.Completeness, "relevance": t.Relevance, "markdown": t.Markdown},
		OCRSettings:  OCRSettings{Language: v.OCRLanguage(), PSM: v.OCRPSM()},
		AutoOptimize: v.AutoOptimize(),
	})
	return nil
}

func (s *Server) supportedFormats(w http.ResponseWriter, r *http.Request) error {
	v, err := s.deps.Settings.Values(r.Context(), callerScope(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, SupportedFormats{SupportedExtensions: extract.Extensions, MaxFileSize: v.MaxFileSize()})
	return nil
}
