package web

// DiffRow is one row of a side-by-side diff: a line on the left, on the
// right, or both (Same).
type DiffRow struct {
	Left, Right     string
	LeftNo, RightNo int // 1-based line numbers; 0 when the side is empty
	Same, Del, Ins  bool
}

// maxDiffCells bounds the work of the line diff (lines × lines).
const maxDiffCells = 4_000_000

// sideBySide aligns two texts' lines by their longest common subsequence.
// Texts too large for that are shown as one removal and one addition.
func sideBySide(a, b []string) ([]DiffRow, bool) {
	if len(a)*len(b) > maxDiffCells {
		return nil, true
	}
	// lcs[i][j] is the LCS length of a[i:] and b[j:].
	lcs := make([][]int32, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var rows []DiffRow
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && j < len(b) && a[i] == b[j]:
			rows = append(rows, DiffRow{Left: a[i], Right: b[j], LeftNo: i + 1, RightNo: j + 1, Same: true})
			i, j = i+1, j+1
		case j < len(b) && (i == len(a) || lcs[i][j+1] > lcs[i+1][j]):
			rows = append(rows, DiffRow{Right: b[j], RightNo: j + 1, Ins: true})
			j++
		default:
			rows = append(rows, DiffRow{Left: a[i], LeftNo: i + 1, Del: true})
			i++
		}
	}
	return pairChanges(rows), false
}

// pairChanges puts a run of removed lines beside the added lines that
// follow it, so a changed line reads across.
func pairChanges(rows []DiffRow) []DiffRow {
	var out []DiffRow
	for k := 0; k < len(rows); {
		if !rows[k].Del {
			out = append(out, rows[k])
			k++
			continue
		}
		var dels, ins []DiffRow
		for k < len(rows) && rows[k].Del {
			dels = append(dels, rows[k])
			k++
		}
		for k < len(rows) && rows[k].Ins {
			ins = append(ins, rows[k])
			k++
		}
		for n := 0; n < max(len(dels), len(ins)); n++ {
			var r DiffRow
			if n < len(dels) {
				r.Left, r.LeftNo, r.Del = dels[n].Left, dels[n].LeftNo, true
			}
			if n < len(ins) {
				r.Right, r.RightNo, r.Ins = ins[n].Right, ins[n].RightNo, true
			}
			out = append(out, r)
		}
	}
	return out
}
