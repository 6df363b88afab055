package config

import (
	"encoding/json"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// reader reads typed values from a Source and collects every problem, so
// that start-up reports all bad variables at once instead of one per run.
type reader struct {
	src  Source
	errs []Problem
}

func (r *reader) fail(name, reason string) {
	r.errs = append(r.errs, Problem{Name: name, Reason: reason})
}

func (r *reader) lookup(name string) (string, bool) {
	v, ok := r.src(name)
	if !ok {
		return "", false
	}
	v = strings.TrimSpace(v)
	return v, v != ""
}

func (r *reader) str(name, def string) string {
	if v, ok := r.lookup(name); ok {
		return v
	}
	return def
}

func (r *reader) boolean(name string, def bool) bool {
	v, ok := r.lookup(name)
	if !ok {
		return def
	}
	switch strings.ToLower(v) {
	case "1", "true", "yes", "on":
		return true
	case "0", "false", "no", "off":
		return false
	}
	r.fail(name, fmt.Sprintf("%q is not a boolean (use true or false)", v))
	return def
}

func (r *reader) integer(name string, def, lo, hi int) int {
	v, ok := r.lookup(name)
	if !ok {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		// The reference accepted floats for some numbers (e.g. timeouts "60.0").
		f, ferr := strconv.ParseFloat(v, 64)
		if ferr != nil || f != float64(int(f)) {
			r.fail(name, fmt.Sprintf("%q is not a whole number", v))
			return def
		}
		n = int(f)
	}
	if n < lo || n > hi {
		r.fail(name, fmt.Sprintf("%d is out of range [%d, %d]", n, lo, hi))
		return def
	}
	return n
}

func (r *reader) seconds(name string, def int) time.Duration {
	return time.Duration(r.integer(name, def, 0, 365*24*3600)) * time.Second
}

func (r *reader) oneOf(name, def string, allowed ...string) string {
	v, ok := r.lookup(name)
	if !ok {
		return def
	}
	v = strings.ToLower(v)
	for _, a := range allowed {
		if v == a {
			return v
		}
	}
	r.fail(name, fmt.Sprintf("%q is not one of %s", v, strings.Join(allowed, ", ")))
	return def
}

// list accepts a JSON array (the reference's format) or a comma-separated list.
func (r *reader) list(name string, def []string) []string {
	v, ok := r.lookup(name)
	if !ok {
		return def
	}
	if strings.HasPrefix(v, "[") {
		var out []string
		if err := json.Unmarshal([]byte(v), &out); err != nil {
			r.fail(name, "is not a valid JSON list of strings")
			return def
		}
		return out
	}
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// cidrs reads a list of CIDRs (a bare IP is a /32 or /128).
func (r *reader) cidrs(name string) []*net.IPNet {
	var out []*net.IPNet
	for _, v := range r.list(name, nil) {
		if !strings.Contains(v, "/") {
			if ip := net.ParseIP(v); ip != nil && ip.To4() != nil {
				v += "/32"
			} else {
				v += "/128"
			}
		}
		_, n, err := net.ParseCIDR(v)
		if err != nil {
			r.fail(name, fmt.Sprintf("%q is not an IP address or CIDR", v))
			continue
		}
		out = append(out, n)
	}
	return out
}
