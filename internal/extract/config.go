package extract

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/extract/format"
)

// Config is the extraction configuration, read from the environment names
// the reference system used. The zero value is not valid; use
// ConfigFromEnv or DefaultConfig.
type Config struct {
	// Priority is EXTRACTION_PRIORITY (alias CONTENT_EXTRACTOR): "native"
	// (default), "docling", "default" (the extraction service) or "auto".
	Priority string
	// DoclingURL is DOCLING_SERVICE_URL; empty disables Docling.
	DoclingURL string
	// DoclingTimeout is DOCLING_TIMEOUT (seconds or a Go duration).
	DoclingTimeout time.Duration
	// DoclingVerifySSL is DOCLING_VERIFY_SSL (default true).
	DoclingVerifySSL bool
	// ServiceURL is EXTRACTION_SERVICE_URL; empty disables the service.
	ServiceURL string
	// ServiceAPIKey is EXTRACTION_SERVICE_API_KEY, sent as a bearer token.
	ServiceAPIKey string
	// ServiceTimeout is EXTRACTION_SERVICE_TIMEOUT.
	ServiceTimeout time.Duration
	// Timeout is EXTRACTION_TIMEOUT, the native per-document limit.
	Timeout time.Duration
	// OCRLang is OCR_LANG, e.g. "eng" or "eng+deu".
	OCRLang string
	// OCRPSM is OCR_PSM, Tesseract's page segmentation mode (0–13).
	OCRPSM int
	// TesseractPath is TESSERACT_PATH; empty means tesseract on PATH.
	TesseractPath string
}

// DefaultConfig returns the configuration used when nothing is set.
func DefaultConfig() Config {
	return Config{
		Priority:         EngineNative,
		DoclingTimeout:   300 * time.Second,
		DoclingVerifySSL: true,
		ServiceTimeout:   300 * time.Second,
		Timeout:          120 * time.Second,
		OCRLang:          "eng",
		OCRPSM:           3,
	}
}

// ConfigFromEnv reads the configuration through getenv (os.Getenv, or a
// lookup that also sees .env). Every invalid value is reported, joined.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := DefaultConfig()
	var errs []error
	get := func(name string) string { return strings.TrimSpace(getenv(name)) }
	if v := get("EXTRACTION_PRIORITY"); v != "" {
		c.Priority = strings.ToLower(v)
	} else if v := get("CONTENT_EXTRACTOR"); v != "" {
		c.Priority = strings.ToLower(v)
	}
	c.DoclingURL = strings.TrimRight(get("DOCLING_SERVICE_URL"), "/")
	c.ServiceURL = strings.TrimRight(get("EXTRACTION_SERVICE_URL"), "/")
	c.ServiceAPIKey = get("EXTRACTION_SERVICE_API_KEY")
	c.TesseractPath = get("TESSERACT_PATH")
	if v := get("OCR_LANG"); v != "" {
		c.OCRLang = v
	}
	durations := []struct {
		name string
		dst  *time.Duration
	}{
		{"DOCLING_TIMEOUT", &c.DoclingTimeout},
		{"EXTRACTION_SERVICE_TIMEOUT", &c.ServiceTimeout},
		{"EXTRACTION_TIMEOUT", &c.Timeout},
	}
	for _, d := range durations {
		if v := get(d.name); v != "" {
			var err error
			if *d.dst, err = parseSeconds(v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", d.name, err))
			}
		}
	}
	if v := get("DOCLING_VERIFY_SSL"); v != "" {
		b, err := strconv.ParseBool(strings.ToLower(v))
		if err != nil {
			errs = append(errs, fmt.Errorf("DOCLING_VERIFY_SSL: %q is not true or false", v))
		}
		c.DoclingVerifySSL = b
	}
	if v := get("OCR_PSM"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("OCR_PSM: %q is not a number", v))
		}
		c.OCRPSM = n
	}
	if err := c.Validate(); err != nil {
		errs = append(errs, err)
	}
	return c, errors.Join(errs...)
}

// parseSeconds reads "90", "2.5" (seconds) or a Go duration such as "2m".
func parseSeconds(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		f, ferr := strconv.ParseFloat(v, 64)
		if ferr != nil {
			return 0, fmt.Errorf("%q is neither seconds nor a duration like 90s", v)
		}
		d = time.Duration(f * float64(time.Second))
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q must be positive", v)
	}
	return d, nil
}

// Validate checks the values that ConfigFromEnv cannot check one by one.
func (c Config) Validate() error {
	var errs []error
	switch c.Priority {
	case EngineNative, EngineAuto:
	case EngineDocling:
		if c.DoclingURL == "" {
			errs = append(errs, errors.New("EXTRACTION_PRIORITY=docling needs DOCLING_SERVICE_URL"))
		}
	case EngineService:
		if c.ServiceURL == "" {
			errs = append(errs, errors.New("EXTRACTION_PRIORITY=default needs EXTRACTION_SERVICE_URL"))
		}
	default:
		errs = append(errs, fmt.Errorf("EXTRACTION_PRIORITY: %q is not one of native, docling, default, auto", c.Priority))
	}
	for name, u := range map[string]string{"DOCLING_SERVICE_URL": c.DoclingURL, "EXTRACTION_SERVICE_URL": c.ServiceURL} {
		if u == "" {
			continue
		}
		if p, err := url.Parse(u); err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			errs = append(errs, fmt.Errorf("%s: %q is not an http(s) URL", name, u))
		}
	}
	if c.OCRPSM < 0 || c.OCRPSM > 13 {
		errs = append(errs, fmt.Errorf("OCR_PSM: %d is not a Tesseract page segmentation mode (0-13)", c.OCRPSM))
	}
	if c.OCRLang != "" && strings.ContainsAny(c.OCRLang, " /\\") {
		errs = append(errs, fmt.Errorf("OCR_LANG: %q is not a language list like eng+deu", c.OCRLang))
	}
	return errors.Join(errs...)
}

// Options returns the conversion options the configuration implies.
func (c Config) Options() format.Options {
	return format.Options{OCRLang: c.OCRLang, OCRPSM: c.OCRPSM, TesseractPath: c.TesseractPath, Timeout: c.Timeout}.WithDefaults()
}
