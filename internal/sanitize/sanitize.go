// Package sanitize makes untrusted text safe to store: valid UTF-8 without
// NUL bytes (PostgreSQL refuses both in text and JSONB columns), cut to a
// length on a character boundary. The HTTP layer applies it at the
// boundary (headers, JSON bodies, query strings); the audit recorder
// applies it again before writing, as a backstop.
package sanitize

import (
	"reflect"
	"strings"
	"unicode/utf8"
)

// String returns s as valid UTF-8 (invalid bytes become U+FFFD) with NUL
// bytes removed. It returns s itself when nothing needs changing.
func String(s string) string {
	if utf8.ValidString(s) && !strings.ContainsRune(s, 0) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.ReplaceAll(s, "\x00", "")
}

// Truncate returns String(s) cut to at most n bytes without splitting a
// character.
func Truncate(s string, n int) string {
	s = String(s)
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Valid reports whether s needs no sanitizing.
func Valid(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// Value sanitizes, in place, every string reachable from v (a pointer to a
// struct, map, slice or string): struct fields, map keys and values, slice
// elements, through pointers and interfaces.
func Value(v any) {
	walk(reflect.ValueOf(v))
}

func walk(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			if v.Kind() == reflect.Interface {
				if s, ok := v.Interface().(string); ok && !Valid(s) && v.CanSet() {
					v.Set(reflect.ValueOf(String(s)))
					return
				}
			}
			walk(v.Elem())
		}
	case reflect.String:
		if v.CanSet() && !Valid(v.String()) {
			v.SetString(String(v.String()))
		}
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				walk(v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len(); i++ {
			walk(v.Index(i))
		}
	case reflect.Map:
		walkMap(v)
	}
}

// walkMap rebuilds entries whose key or value needs sanitizing (map
// elements are not addressable).
func walkMap(v reflect.Value) {
	if v.IsNil() {
		return
	}
	iter := v.MapRange()
	type entry struct{ oldKey, key, val reflect.Value }
	var fix []entry
	for iter.Next() {
		k, val := iter.Key(), iter.Value()
		nv := reflect.New(val.Type()).Elem()
		nv.Set(val)
		walk(nv)
		nk := k
		if k.Kind() == reflect.String && !Valid(k.String()) {
			nk = reflect.ValueOf(String(k.String())).Convert(k.Type())
		}
		fix = append(fix, entry{k, nk, nv})
	}
	for _, e := range fix {
		if e.key.Interface() != e.oldKey.Interface() {
			v.SetMapIndex(e.oldKey, reflect.Value{})
		}
		v.SetMapIndex(e.key, e.val)
	}
}
