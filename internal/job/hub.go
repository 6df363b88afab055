package job

import "sync"

// hub wakes the event streams of this process when a job changes, so
// Server-Sent Events go out without waiting for the next poll (the poll
// still covers changes made by workers in other processes).
type hub struct {
	mu   sync.Mutex
	wake chan struct{}
}

// wait returns a channel closed at the next publish.
func (h *hub) wait() <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.wake == nil {
		h.wake = make(chan struct{})
	}
	return h.wake
}

func (h *hub) publish() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.wake != nil {
		close(h.wake)
		h.wake = nil
	}
}

// Changed returns a channel closed the next time a job of this process
// changes (event streams wait on it besides their poll).
func (s *Service) Changed() <-chan struct{} { return s.hub.wait() }
