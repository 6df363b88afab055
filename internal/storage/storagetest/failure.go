package storagetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"testing"

	"github.com/curatore/curatore/internal/storage"
)

// cancellingReader yields n bytes, then cancels its context and keeps
// yielding, as a client that disconnects halfway through an upload.
type cancellingReader struct {
	n      int64
	cancel context.CancelFunc
	read   int64
}

func (r *cancellingReader) Read(p []byte) (int, error) {
	if r.read >= r.n {
		r.cancel()
	}
	for i := range p {
		p[i] = 'c'
	}
	r.read += int64(len(p))
	return len(p), nil
}

// failingReader yields n bytes, then fails.
type failingReader struct{ n int64 }

var errBroken = errors.New("broken upload")

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, errBroken
	}
	if int64(len(p)) > r.n {
		p = p[:r.n]
	}
	for i := range p {
		p[i] = 'f'
	}
	r.n -= int64(len(p))
	return len(p), nil
}

func testCancelledPut(t *testing.T, s storage.Store) {
	for _, size := range []int64{-1, 8 << 20} {
		ctx, cancel := context.WithCancel(context.Background())
		r := &cancellingReader{n: 1 << 20, cancel: cancel}
		_, err := s.Put(ctx, "orgs/o/cancelled", io.LimitReader(r, 8<<20), size)
		cancel()
		if err == nil {
			t.Fatalf("Put (size %d) with a cancelled context succeeded", size)
		}
		wantMissing(t, s, "orgs/o/cancelled")
		if got := keys(t, s, ""); len(got) != 0 {
			t.Errorf("cancelled Put left %v", got)
		}
	}
}

func testFailedPutKeepsOld(t *testing.T, s storage.Store) {
	key := "orgs/o/doc"
	put(t, s, key, []byte("old"))
	for _, size := range []int64{-1, 4 << 20} {
		_, err := s.Put(context.Background(), key, &failingReader{n: 1 << 20}, size)
		if !errors.Is(err, errBroken) {
			t.Errorf("Put (size %d) = %v, want the reader's error", size, err)
		}
		if got := read(t, s, key); string(got) != "old" {
			t.Errorf("after a failed Put, Get = %.20q, want old", got)
		}
	}
	if got := keys(t, s, ""); len(got) != 1 {
		t.Errorf("failed Put left %v", got)
	}
}

func testShortPut(t *testing.T, s storage.Store) {
	_, err := s.Put(context.Background(), "orgs/o/short", bytes.NewReader([]byte("12345")), 10)
	if err == nil {
		t.Fatal("Put of 5 bytes announced as 10 succeeded")
	}
	wantMissing(t, s, "orgs/o/short")
	// Longer than announced is wrong too: storing a prefix would truncate.
	_, err = s.Put(context.Background(), "orgs/o/long", io.MultiReader(bytes.NewReader([]byte("1234567890"))), 5)
	if err == nil {
		t.Fatal("Put of 10 bytes announced as 5 succeeded")
	}
	wantMissing(t, s, "orgs/o/long")
}

func testConcurrentPuts(t *testing.T, s storage.Store) {
	const writers = 12
	payload := func(i int) []byte { return bytes.Repeat([]byte{byte('a' + i)}, 64<<10+i) }
	var wg sync.WaitGroup
	errs := make(chan error, 2*writers)
	for i := range writers {
		wg.Add(2)
		go func() { // distinct keys
			defer wg.Done()
			_, err := s.Put(context.Background(), fmt.Sprintf("orgs/o/own/%d", i), bytes.NewReader(payload(i)), -1)
			errs <- err
		}()
		go func() { // all on one key
			defer wg.Done()
			_, err := s.Put(context.Background(), "orgs/o/shared", bytes.NewReader(payload(i)), int64(len(payload(i))))
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent Put: %v", err)
		}
	}
	for i := range writers {
		if got := read(t, s, fmt.Sprintf("orgs/o/own/%d", i)); !bytes.Equal(got, payload(i)) {
			t.Errorf("own/%d: content differs", i)
		}
	}
	// The shared key holds exactly one writer's payload, never a mix.
	got := read(t, s, "orgs/o/shared")
	i := len(got) - 64<<10
	if i < 0 || i >= writers || !bytes.Equal(got, payload(i)) {
		t.Errorf("shared key holds %d bytes that are no single writer's payload", len(got))
	}
	if n := len(keys(t, s, "")); n != writers+1 {
		t.Errorf("List has %d keys, want %d", n, writers+1)
	}
}

// pattern is an endless deterministic byte stream, so a big object is
// generated as it is uploaded, never held in memory.
type pattern struct{ off int64 }

func (p *pattern) Read(b []byte) (int, error) {
	for i := range b {
		x := p.off + int64(i)
		b[i] = byte(x ^ x>>8 ^ x>>16)
	}
	p.off += int64(len(b))
	return len(b), nil
}

func testBigStreamed(t *testing.T, s storage.Store, size int64) {
	want := sha256.New()
	if _, err := io.Copy(want, io.LimitReader(&pattern{}, size)); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	// Unknown length: the backend must stream it (multipart on S3).
	info, err := s.Put(context.Background(), "orgs/o/big", io.LimitReader(&pattern{}, size), -1)
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	runtime.ReadMemStats(&after)
	if info.Size != size {
		t.Errorf("size = %d, want %d", info.Size, size)
	}
	// Allocation during the upload stays well below the object's size:
	// the backend did not buffer the whole object.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc >= uint64(size) {
		t.Errorf("Put of %d bytes allocated %d bytes: it buffers the object", size, alloc)
	}
	rc, err := s.Get(context.Background(), "orgs/o/big")
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	defer rc.Close()
	got := sha256.New()
	if n, err := io.Copy(got, rc); err != nil || n != size {
		t.Fatalf("read back %d bytes, err %v; want %d", n, err, size)
	}
	if !bytes.Equal(got.Sum(nil), want.Sum(nil)) {
		t.Error("big object read back differs")
	}
}
