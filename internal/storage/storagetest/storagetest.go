// Package storagetest is the conformance suite every storage.Store backend
// passes: the same tests run on local files and on a real S3-compatible
// server, so the two behave alike.
package storagetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/storage"
)

// Options tune the suite for a backend.
type Options struct {
	// BigSize is the size of the streamed object in the big-object test
	// (default 48 MiB). It is generated on the fly, never held in memory.
	BigSize int64
}

// Run runs the suite. newStore returns an empty store for one subtest;
// it is called once per subtest so subtests do not see each other's keys.
func Run(t *testing.T, newStore func(t *testing.T) storage.Store) {
	RunWith(t, newStore, Options{})
}

// RunWith is Run with options.
func RunWith(t *testing.T, newStore func(t *testing.T) storage.Store, o Options) {
	if o.BigSize == 0 {
		o.BigSize = 48 << 20
	}
	tests := []struct {
		name string
		fn   func(t *testing.T, s storage.Store)
	}{
		{"PutGetStat", testPutGetStat},
		{"UnknownSize", testUnknownSize},
		{"EmptyObject", testEmptyObject},
		{"Overwrite", testOverwrite},
		{"Delete", testDelete},
		{"Missing", testMissing},
		{"InvalidKeys", testInvalidKeys},
		{"List", testList},
		{"ListStopsOnError", testListStopsOnError},
		{"CancelledPutLeavesNothing", testCancelledPut},
		{"FailedPutKeepsOld", testFailedPutKeepsOld},
		{"ShortPut", testShortPut},
		{"ConcurrentPuts", testConcurrentPuts},
		{"BigStreamed", func(t *testing.T, s storage.Store) { testBigStreamed(t, s, o.BigSize) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, newStore(t)) })
	}
}

// put stores data at key and fails the test on error.
func put(t *testing.T, s storage.Store, key string, data []byte) storage.Info {
	t.Helper()
	info, err := s.Put(context.Background(), key, bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("Put(%q): %v", key, err)
	}
	return info
}

// read returns key's content and fails the test on error.
func read(t *testing.T, s storage.Store, key string) []byte {
	t.Helper()
	rc, err := s.Get(context.Background(), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("read %q: %v", key, err)
	}
	return b
}

// wantMissing checks that Get and Stat report key as not found.
func wantMissing(t *testing.T, s storage.Store, key string) {
	t.Helper()
	ctx := context.Background()
	if _, err := s.Stat(ctx, key); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Stat(%q) = %v, want ErrNotFound", key, err)
	}
	rc, err := s.Get(ctx, key)
	if err == nil {
		rc.Close()
	}
	if !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Get(%q) = %v, want ErrNotFound", key, err)
	}
}

// keys lists the keys under prefix, sorted.
func keys(t *testing.T, s storage.Store, prefix string) []string {
	t.Helper()
	var out []string
	err := s.List(context.Background(), prefix, func(i storage.Info) error {
		out = append(out, i.Key)
		return nil
	})
	if err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	sort.Strings(out)
	return out
}

func testPutGetStat(t *testing.T, s storage.Store) {
	key := storage.OrgKey("org1", "doc1", "original.pdf")
	data := []byte("%PDF-1.7 hello")
	before := time.Now().Add(-time.Minute)
	info := put(t, s, key, data)
	if info.Key != key || info.Size != int64(len(data)) {
		t.Errorf("Put info = %+v, want key %q size %d", info, key, len(data))
	}
	if got := read(t, s, key); !bytes.Equal(got, data) {
		t.Errorf("Get = %q, want %q", got, data)
	}
	st, err := s.Stat(context.Background(), key)
	if err != nil {
		t.Fatalf("Stat: %v", err)
	}
	if st.Key != key || st.Size != int64(len(data)) {
		t.Errorf("Stat = %+v", st)
	}
	if st.Modified.Before(before) || st.Modified.After(time.Now().Add(time.Minute)) {
		t.Errorf("Stat modified = %v, want about now", st.Modified)
	}
}

func testUnknownSize(t *testing.T, s storage.Store) {
	key := "orgs/o/unknown"
	data := bytes.Repeat([]byte("abc\n"), 1000)
	// Wrap the reader so the backend cannot discover the length by type.
	info, err := s.Put(context.Background(), key, io.MultiReader(bytes.NewReader(data)), -1)
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	if info.Size != int64(len(data)) {
		t.Errorf("size = %d, want %d", info.Size, len(data))
	}
	if got := read(t, s, key); !bytes.Equal(got, data) {
		t.Errorf("content differs")
	}
}

func testEmptyObject(t *testing.T, s storage.Store) {
	key := "orgs/o/empty"
	for _, size := range []int64{0, -1} {
		if _, err := s.Put(context.Background(), key, strings.NewReader(""), size); err != nil {
			t.Fatalf("Put(size %d): %v", size, err)
		}
		if got := read(t, s, key); len(got) != 0 {
			t.Errorf("Get = %q, want empty", got)
		}
	}
}

func testOverwrite(t *testing.T, s storage.Store) {
	key := "orgs/o/doc/content.md"
	put(t, s, key, []byte("first version, longer than the second"))
	put(t, s, key, []byte("second"))
	if got := read(t, s, key); string(got) != "second" {
		t.Errorf("Get = %q, want second", got)
	}
	st, err := s.Stat(context.Background(), key)
	if err != nil || st.Size != 6 {
		t.Errorf("Stat = %+v, %v; want size 6", st, err)
	}
	if got := keys(t, s, "orgs/o/"); len(got) != 1 {
		t.Errorf("List = %v, want one key", got)
	}
}

func testDelete(t *testing.T, s storage.Store) {
	ctx := context.Background()
	put(t, s, "orgs/o/a/1", []byte("1"))
	put(t, s, "orgs/o/a/2", []byte("2"))
	if err := s.Delete(ctx, "orgs/o/a/1"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	wantMissing(t, s, "orgs/o/a/1")
	if got := read(t, s, "orgs/o/a/2"); string(got) != "2" {
		t.Errorf("sibling = %q, want 2", got)
	}
	if err := s.Delete(ctx, "orgs/o/a/1"); err != nil {
		t.Errorf("Delete of a missing key = %v, want nil", err)
	}
	if err := s.Delete(ctx, "orgs/o/a/2"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if got := keys(t, s, ""); len(got) != 0 {
		t.Errorf("List after deleting all = %v", got)
	}
	// The key can be written again after its folder emptied.
	put(t, s, "orgs/o/a/1", []byte("again"))
	if got := read(t, s, "orgs/o/a/1"); string(got) != "again" {
		t.Errorf("Get = %q", got)
	}
}

func testMissing(t *testing.T, s storage.Store) {
	wantMissing(t, s, "orgs/o/never")
	put(t, s, "orgs/o/file", []byte("x"))
	// A "folder" is not an object; a path through a file is not either.
	wantMissing(t, s, "orgs/o")
	wantMissing(t, s, "orgs/o/file/below")
}

func testInvalidKeys(t *testing.T, s storage.Store) {
	ctx := context.Background()
	bad := []string{"", "/abs", "a/../b", "..", "a/./b", "a//b", "a/", "a\\b", "a/\x00b", "../../etc/passwd"}
	for _, k := range bad {
		if _, err := s.Put(ctx, k, strings.NewReader("x"), 1); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("Put(%q) = %v, want ErrInvalidKey", k, err)
		}
		if _, err := s.Get(ctx, k); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("Get(%q) = %v, want ErrInvalidKey", k, err)
		}
		if _, err := s.Stat(ctx, k); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("Stat(%q) = %v, want ErrInvalidKey", k, err)
		}
		if err := s.Delete(ctx, k); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("Delete(%q) = %v, want ErrInvalidKey", k, err)
		}
	}
	if err := s.List(ctx, "../", func(storage.Info) error { return nil }); !errors.Is(err, storage.ErrInvalidKey) {
		t.Errorf("List(../) = %v, want ErrInvalidKey", err)
	}
	if got := keys(t, s, ""); len(got) != 0 {
		t.Errorf("invalid keys stored something: %v", got)
	}
}

func testList(t *testing.T, s storage.Store) {
	all := []string{"orgs/a/d1/original", "orgs/a/d1/content.md", "orgs/a/d2/original", "orgs/ab/d3/original", "orgs/b/x"}
	for i, k := range all {
		put(t, s, k, bytes.Repeat([]byte("x"), i+1))
	}
	cases := map[string][]string{
		"":         {"orgs/a/d1/content.md", "orgs/a/d1/original", "orgs/a/d2/original", "orgs/ab/d3/original", "orgs/b/x"},
		"orgs/a/":  {"orgs/a/d1/content.md", "orgs/a/d1/original", "orgs/a/d2/original"},
		"orgs/a":   {"orgs/a/d1/content.md", "orgs/a/d1/original", "orgs/a/d2/original", "orgs/ab/d3/original"},
		"orgs/a/d": {"orgs/a/d1/content.md", "orgs/a/d1/original", "orgs/a/d2/original"},
		"orgs/c/":  nil,
		"orgs/b/x": {"orgs/b/x"},
	}
	for prefix, want := range cases {
		if got := keys(t, s, prefix); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("List(%q) = %v, want %v", prefix, got, want)
		}
	}
	sizes := map[string]int64{}
	_ = s.List(context.Background(), "", func(i storage.Info) error { sizes[i.Key] = i.Size; return nil })
	for i, k := range all {
		if sizes[k] != int64(i+1) {
			t.Errorf("List size of %s = %d, want %d", k, sizes[k], i+1)
		}
	}
}

func testListStopsOnError(t *testing.T, s storage.Store) {
	for i := range 3 {
		put(t, s, fmt.Sprintf("orgs/o/%d", i), []byte("x"))
	}
	stop := errors.New("stop")
	calls := 0
	err := s.List(context.Background(), "orgs/", func(storage.Info) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Errorf("List = %v after %d calls, want the callback's error after 1", err, calls)
	}
}
