package storage_test

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/curatore/curatore/internal/storage"
)

// zeros is an endless stream of zero bytes (no allocation per read).
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// benchPutGet streams objects of size bytes into s and back.
func benchPutGet(b *testing.B, s storage.Store, size int64) {
	ctx := context.Background()
	b.SetBytes(size)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		key := fmt.Sprintf("orgs/bench/%d", i%8)
		if _, err := s.Put(ctx, key, io.LimitReader(zeros{}, size), -1); err != nil {
			b.Fatal(err)
		}
		rc, err := s.Get(ctx, key)
		if err != nil {
			b.Fatal(err)
		}
		if n, err := io.Copy(io.Discard, rc); err != nil || n != size {
			b.Fatalf("read %d, %v", n, err)
		}
		rc.Close()
	}
}

func BenchmarkLocalPutGet(b *testing.B) {
	for _, size := range []int64{64 << 10, 32 << 20} {
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			s, err := storage.NewLocal(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			benchPutGet(b, s, size)
		})
	}
}

func BenchmarkS3PutGet(b *testing.B) {
	for _, size := range []int64{64 << 10, 32 << 20} {
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			benchPutGet(b, newS3Bench(b), size)
		})
	}
}
