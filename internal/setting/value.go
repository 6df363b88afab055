package setting

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Check validates v (as decoded from JSON: float64, bool, string, or
// json.Number) against d and returns it in its canonical Go type — int64 for
// Integer, float64 for Number, bool, string — or the reason it is refused.
func (d Def) Check(v any) (any, string) {
	switch d.Kind {
	case Integer, Number:
		f, ok := toFloat(v)
		if !ok {
			return nil, "must be a " + map[Kind]string{Integer: "whole number", Number: "number"}[d.Kind]
		}
		if d.Kind == Integer && f != math.Trunc(f) {
			return nil, "must be a whole number"
		}
		if (d.Bounded && (f < d.Min || f > d.Max)) || (d.AtLeast && f < d.Min) {
			return nil, "must be " + d.rangeText()
		}
		if d.Kind == Integer {
			return int64(f), ""
		}
		return f, ""
	case Boolean:
		b, ok := v.(bool)
		if !ok {
			return nil, "must be true or false"
		}
		return b, ""
	case String:
		s, ok := v.(string)
		if !ok {
			return nil, "must be a string"
		}
		if len(d.Enum) > 0 && !slices.Contains(d.Enum, s) {
			return nil, "must be one of " + strings.Join(d.Enum, ", ")
		}
		if reason := checkPattern(d.Pattern, s); reason != "" {
			return nil, reason
		}
		return s, ""
	}
	return nil, "has an unknown type"
}

func toFloat(v any) (float64, bool) {
	switch t := v.(type) {
	case float64:
		return t, !math.IsNaN(t) && !math.IsInf(t, 0)
	case int:
		return float64(t), true
	case int64:
		return float64(t), true
	case json.Number:
		f, err := t.Float64()
		return f, err == nil
	}
	return 0, false
}

var ocrLanguages = regexp.MustCompile(`^[A-Za-z_]{2,32}(\+[A-Za-z_]{2,32}){0,15}$`)

// checkPattern applies a named string format.
func checkPattern(name, s string) string {
	switch name {
	case "":
		return ""
	case "ocr_languages":
		if !ocrLanguages.MatchString(s) {
			return "must be Tesseract language codes joined by +, e.g. eng+deu"
		}
	}
	return ""
}

// ParseEnv reads the environment variable's text as d's value. Integers
// accept "70" and "70.0" (the reference wrote some numbers as floats);
// extraction.timeout also accepts Go durations such as "2m"; booleans accept
// true/false, 1/0, yes/no, on/off.
func (d Def) ParseEnv(raw string) (any, error) {
	raw = strings.TrimSpace(raw)
	var v any = raw
	switch d.Kind {
	case Integer, Number:
		f, err := strconv.ParseFloat(raw, 64)
		if err != nil && d.Unit == "seconds" {
			if dur, derr := time.ParseDuration(raw); derr == nil {
				f, err = math.Round(dur.Seconds()), nil
			}
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a number", d.Env, raw)
		}
		v = f
	case Boolean:
		switch strings.ToLower(raw) {
		case "1", "true", "yes", "on":
			v = true
		case "0", "false", "no", "off":
			v = false
		default:
			return nil, fmt.Errorf("%s: %q is not true or false", d.Env, raw)
		}
	case String:
		if len(d.Enum) > 0 {
			v = strings.ToLower(raw)
		}
	}
	out, reason := d.Check(v)
	if reason != "" {
		return nil, fmt.Errorf("%s: %s", d.Env, reason)
	}
	return out, nil
}

// canonical turns a stored JSON value into d's Go type; ok is false when the
// stored value no longer fits (it is then ignored, and the next layer used).
func (d Def) canonical(v any) (any, bool) {
	out, reason := d.Check(v)
	return out, reason == ""
}
