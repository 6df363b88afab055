package secret

// SetAfterRead sets the hook run after a row is read for re-sealing and
// before it is written; it returns a function that removes it.
func SetAfterRead(fn func(kind, id string)) (undo func()) {
	afterRead = fn
	return func() { afterRead = nil }
}
