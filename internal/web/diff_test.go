package web

import "testing"

func TestSideBySide(t *testing.T) {
	rows, big := sideBySide([]string{"a", "b", "c", "d"}, []string{"a", "x", "c", "d", "e"})
	if big {
		t.Fatal("too large")
	}
	want := []DiffRow{
		{Left: "a", Right: "a", LeftNo: 1, RightNo: 1, Same: true},
		{Left: "b", LeftNo: 2, Del: true, Right: "x", RightNo: 2, Ins: true},
		{Left: "c", Right: "c", LeftNo: 3, RightNo: 3, Same: true},
		{Left: "d", Right: "d", LeftNo: 4, RightNo: 4, Same: true},
		{Right: "e", RightNo: 5, Ins: true},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows %+v", rows)
	}
	for i := range want {
		if rows[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, rows[i], want[i])
		}
	}
	big1 := make([]string, 3000)
	if _, big := sideBySide(big1, big1); !big {
		t.Error("3000 × 3000 lines should be refused")
	}
}
