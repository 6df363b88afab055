package migrate

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// timeLayouts are the text forms timestamps take in SQLite files (ours,
// written by the driver, and hand-made ones).
var timeLayouts = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05",
	"2006-01-02",
	time.RFC3339Nano,
}

func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a timestamp", s)
}

// convert turns a value read from the source into what the target column
// of kind k accepts.
func convert(v any, k Kind) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch k {
	case KindBool:
		switch t := v.(type) {
		case bool:
			return t, nil
		case int64:
			return t != 0, nil
		case string:
			return strconv.ParseBool(t)
		}
	case KindTime:
		switch t := v.(type) {
		case time.Time:
			return t.UTC(), nil
		case string:
			return parseTime(t)
		case []byte:
			return parseTime(string(t))
		}
	case KindJSON, KindText:
		if b, ok := v.([]byte); ok {
			return string(b), nil
		}
		return v, nil
	case KindBytes:
		if s, ok := v.(string); ok {
			return []byte(s), nil
		}
		return v, nil
	default:
		return v, nil
	}
	return nil, fmt.Errorf("cannot convert %T to %s", v, k)
}

// canonical is the text a value is checksummed as: the same on both
// engines for equal data (booleans as 1/0, times in UTC to the
// microsecond, JSON re-encoded with sorted keys).
func canonical(v any, k Kind) (string, error) {
	if v == nil {
		return "\x00", nil
	}
	c, err := convert(v, k)
	if err != nil {
		return "", err
	}
	switch t := c.(type) {
	case bool:
		if t {
			return "1", nil
		}
		return "0", nil
	case time.Time:
		return t.UTC().Round(time.Microsecond).Format("2006-01-02T15:04:05.000000"), nil
	case []byte:
		if k == KindJSON {
			return canonicalJSON(t)
		}
		return hex.EncodeToString(t), nil
	case string:
		if k == KindJSON {
			return canonicalJSON([]byte(t))
		}
		return t, nil
	case int64:
		return strconv.FormatInt(t, 10), nil
	case float64:
		return strconv.FormatFloat(t, 'g', -1, 64), nil
	}
	return fmt.Sprint(c), nil
}

func canonicalJSON(b []byte) (string, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return string(b), nil // not JSON after all: compare as text
	}
	out, err := json.Marshal(v)
	return string(out), err
}

// rowHash is the digest of one row's canonical values.
func rowHash(vals []any, cols []Column) ([sha256.Size]byte, error) {
	h := sha256.New()
	for i, v := range vals {
		s, err := canonical(v, cols[i].Kind)
		if err != nil {
			return [sha256.Size]byte{}, fmt.Errorf("column %s: %w", cols[i].Name, err)
		}
		h.Write([]byte(s))
		h.Write([]byte{0x1f})
	}
	var out [sha256.Size]byte
	copy(out[:], h.Sum(nil))
	return out, nil
}
