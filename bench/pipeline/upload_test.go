package pipeline_test

import (
	"bufio"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/db"
)

// lines is an endless text document: a block of numbered lines made once
// and repeated, so generating it costs next to nothing.
type lines struct {
	block []byte
	off   int
}

func newLines() *lines {
	var b []byte
	for n := 1; len(b) < 1<<20; n++ {
		b = append(b, "line "+strconv.Itoa(n)+" of a generated document, uploaded to measure\n"...)
	}
	return &lines{block: b}
}

func (l *lines) Read(p []byte) (int, error) {
	w := 0
	for w < len(p) {
		c := copy(p[w:], l.block[l.off:])
		l.off, w = (l.off+c)%len(l.block), w+c
	}
	return w, nil
}

// rssKB reads VmHWM (peak) and VmRSS (now) of this process in KiB.
func rssKB(tb testing.TB) (peak, now int) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		tb.Skip("no /proc/self/status")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && (fields[0] == "VmHWM:" || fields[0] == "VmRSS:") {
			v, _ := strconv.Atoi(fields[1])
			if fields[0] == "VmHWM:" {
				peak = v
			} else {
				now = v
			}
		}
	}
	return peak, now
}

// BenchmarkUpload500MB streams a 500 MB text file (generated while it is
// sent, never held whole) through POST /documents/upload to local files and
// reports MB/s and how much the process's peak RSS grew.
func BenchmarkUpload500MB(b *testing.B) {
	size := int64(500 << 20)
	if v, err := strconv.ParseInt(os.Getenv("CURATORE_BENCH_UPLOAD_MB"), 10, 64); err == nil {
		size = v << 20
	}
	s := setup(b, db.SQLite, map[string]string{"MAX_FILE_SIZE": strconv.FormatInt(size+1, 10), "WORKER_CONCURRENCY": "0"})
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // reset the peak (Linux)
	_, base := rssKB(b)
	b.SetBytes(size)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			w, _ := mw.CreateFormFile("file", "big.txt")
			_, err := io.Copy(w, io.LimitReader(newLines(), size))
			if err == nil {
				err = mw.Close()
			}
			pw.CloseWithError(err)
		}()
		req, _ := http.NewRequest("POST", s.env.URL+"/api/v1/documents/upload?duplicate=true", pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+s.token)
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("upload: %d %s", resp.StatusCode, body)
		}
		b.ReportMetric(float64(size)/(1<<20)/time.Since(start).Seconds(), "MB/s")
	}
	b.StopTimer()
	peak, _ := rssKB(b)
	b.ReportMetric(float64(peak-base)/1024, "peak-RSS-growth-MB")
}
