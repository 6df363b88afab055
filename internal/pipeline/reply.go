package pipeline

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
)

// This file reads model replies: a JSON object, possibly wrapped in a code
// fence or prose, whose fields are checked one by one.

// jsonObject decodes the JSON object in reply: the whole reply, or else
// the outermost {…} in it (models sometimes add a fence or a sentence).
func jsonObject(reply string) (map[string]json.RawMessage, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal([]byte(strings.TrimSpace(reply)), &obj); err == nil && obj != nil {
		return obj, nil
	}
	i, j := strings.Index(reply, "{"), strings.LastIndex(reply, "}")
	if i >= 0 && j > i {
		if err := json.Unmarshal([]byte(reply[i:j+1]), &obj); err == nil && obj != nil {
			return obj, nil
		}
	}
	return nil, errors.New("the reply is not a JSON object")
}

// scoreField reads an integer score 1–10 (a number, or a string holding
// one; 7.0 is accepted, 7.5 is not).
func scoreField(obj map[string]json.RawMessage, key string) (float64, error) {
	raw, ok := obj[key]
	if !ok {
		return 0, fmt.Errorf("%s is missing", key)
	}
	var v float64
	if err := json.Unmarshal(raw, &v); err != nil {
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return 0, fmt.Errorf("%s is not a number", key)
		}
		if v, err = strconv.ParseFloat(strings.TrimSpace(s), 64); err != nil {
			return 0, fmt.Errorf("%s is not a number", key)
		}
	}
	if v != math.Trunc(v) || v < 1 || v > 10 {
		return 0, fmt.Errorf("%s is %v, not an integer from 1 to 10", key, v)
	}
	return v, nil
}

// stringField reads a string field, trimmed; "" when missing or not a
// string.
func stringField(obj map[string]json.RawMessage, key string) string {
	var s string
	if raw, ok := obj[key]; ok && json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s)
	}
	return ""
}

// quoteFound reports whether quote appears in doc once both are
// normalised: case, white space, typographic quotes and dashes, and
// Markdown syntax characters do not matter, and surrounding quotation
// marks are ignored. A quote with an ellipsis is found when each part is.
// A quote of fewer than three characters is not evidence.
func quoteFound(quote, doc string) bool {
	nd := normQuote(doc)
	quote = strings.ReplaceAll(quote, "...", "…")
	found := false
	for _, part := range strings.Split(quote, "…") {
		p := normQuote(part)
		if p == "" {
			continue
		}
		if len([]rune(p)) < 3 || !strings.Contains(nd, p) {
			return false
		}
		found = true
	}
	return found
}

var quoteNorm = strings.NewReplacer(
	"\u2018", "'", "\u2019", "'", "\u201c", `"`, "\u201d", `"`, "\u2013", "-", "\u2014", "-",
	"*", "", "_", "", "`", "", "#", "", "|", "", ">", "", `\`, "")

// normQuote lower-cases s, unifies quotes and dashes, drops Markdown
// syntax characters and surrounding quotation marks, and collapses white
// space.
func normQuote(s string) string {
	s = strings.ToLower(quoteNorm.Replace(s))
	s = strings.Join(strings.Fields(s), " ")
	return strings.TrimFunc(s, func(r rune) bool { return r == '"' || r == '\'' || unicode.IsSpace(r) })
}
