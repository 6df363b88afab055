package pipeline

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
)

func TestExtractFacts(t *testing.T) {
	md := "# Plan\n\n1. First step\n2. Second\n\nRevenue rose 12.50% to $1,500,000 on 2024-03-05 (see https://Example.com/Report/.).\n" +
		"Signed 5 March 2024 and January 7th, 2025. Run `make test` or:\n\n```sh\ngo test ./... -run X\n```\n"
	f := extractFacts(md)
	if want := []string{"12.5", "1500000"}; !reflect.DeepEqual(sortedKeys(f.numbers), want) {
		t.Errorf("numbers %v, want %v (list markers, dates, URLs and code excluded)", sortedKeys(f.numbers), want)
	}
	if want := []string{"2024-03-05", "2025-01-07"}; !reflect.DeepEqual(sortedKeys(f.dates), want) {
		t.Errorf("dates %v, want %v", sortedKeys(f.dates), want)
	}
	if want := []string{"https://example.com/Report"}; !reflect.DeepEqual(sortedKeys(f.urls), want) {
		t.Errorf("urls %v, want %v", sortedKeys(f.urls), want)
	}
	if want := []string{"go test ./... -run X", "make test"}; !reflect.DeepEqual(sortedKeys(f.code), want) {
		t.Errorf("code %v, want %v", sortedKeys(f.code), want)
	}
}

func TestFactCheckText(t *testing.T) {
	input := "Revenue rose 12.50% to 1,500,000 on 2024-03-05, see https://example.com/r. Three teams: run `make test`. We hired 3 people."
	kept := "## Revenue\n\nOn March 5, 2024 revenue rose 12.5% to 1500000 ([report](https://EXAMPLE.com/r/)).\n\nThree teams run make test; three people were hired."
	if fc := FactCheckText(input, kept); !fc.Passed || len(fc.Dropped) != 0 {
		t.Errorf("reformatted facts reported dropped: %v", fc.Dropped)
	}
	lost := "Revenue rose sharply in March 2024, see the report. Run the tests."
	fc := FactCheckText(input, lost)
	want := []string{"number 12.50", "number 1,500,000", "number 3", "date 2024-03-05", "url https://example.com/r", "code `make test`"}
	if fc.Passed || !reflect.DeepEqual(fc.Dropped, want) {
		t.Errorf("dropped %q, want %q", fc.Dropped, want)
	}
	if fc := FactCheckText("No facts here at all.", ""); !fc.Passed || fc.Dropped == nil {
		t.Errorf("no facts: %+v (Dropped must be [] not null)", fc)
	}
}

func TestNormNumber(t *testing.T) {
	for in, want := range map[string]string{"1,500": "1500", "3.50": "3.5", "3.0": "3", "007": "7", "0.5": "0.5", "0": "0", "10": "10"} {
		if got := normNumber(in); got != want {
			t.Errorf("normNumber(%q) = %q, want %q", in, got, want)
		}
	}
	f := extractFacts("Founded 2023-01-05. Code 12024-01-01, year 2023, and Sept. 3 1999 then 3 Sept 1999.")
	if strings.Join(sortedKeys(f.dates), ",") != "1999-09-03,2023-01-05" || f.numbers["2023"] == "" || f.numbers["12024"] == "" {
		t.Errorf("dates %v numbers %v", sortedKeys(f.dates), sortedKeys(f.numbers))
	}
	if _, ok := makeDate("2023", 2, "30"); ok {
		t.Error("30 February accepted as a date")
	}
	if !strings.HasPrefix(normURL("HTTPS://A.B/Path/"), "https://a.b/Path") {
		t.Error("normURL")
	}
}

// sortedKeys returns the keys of m in order.
func sortedKeys(m map[string]string) []string { return slices.Sorted(maps.Keys(m)) }
