package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/job"
)

// ProgressEvent is the data of one Server-Sent Event.
type ProgressEvent struct {
	JobID    string    `json:"job_id"`
	Status   string    `json:"status"`
	Stage    string    `json:"stage"`
	Progress int       `json:"progress"`
	Level    string    `json:"level"`
	Message  string    `json:"message"`
	TS       time.Time `json:"ts"`
}

// EndEvent is the last event of a stream.
type EndEvent struct {
	Status string         `json:"status"`
	Counts map[string]int `json:"counts,omitempty"`
}

// eventFeed is what an event stream reads: log entries after an id, and
// whether the job or batch has ended (checked before reading entries, so
// the last entries are never missed).
type eventFeed struct {
	logs  func(after int64) ([]job.Log, error)
	ended func() (bool, EndEvent, error)
}

// ssePoll is how often a stream looks for changes made by workers in other
// processes; changes in this process wake it at once.
const ssePoll = 500 * time.Millisecond

// streamEvents writes a feed as Server-Sent Events ("progress" per log
// entry, id = its sequence number; "end" at the end) until the job or batch
// ends or the client goes. Last-Event-ID resumes after that entry.
func (s *Server) streamEvents(w http.ResponseWriter, r *http.Request, f eventFeed) error {
	after, _ := strconv.ParseInt(r.Header.Get("Last-Event-ID"), 10, 64)
	if after == 0 {
		after, _ = strconv.ParseInt(r.URL.Query().Get("last_event_id"), 10, 64)
	}
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	_ = rc.Flush()
	heartbeat := time.Now()
	for {
		_ = rc.SetWriteDeadline(time.Now().Add(time.Minute))
		changed := s.deps.Jobs.Changed()
		ended, end, err := f.ended()
		if err != nil {
			return nil // headers are sent; the client reconnects
		}
		logs, err := f.logs(after)
		if err != nil {
			return nil
		}
		for _, l := range logs {
			after = l.ID
			writeEvent(w, strconv.FormatInt(l.ID, 10), "progress", ProgressEvent{JobID: l.JobID, Status: l.Status,
				Stage: l.Stage, Progress: l.Progress, Level: l.Level, Message: l.Message, TS: l.TS})
		}
		if len(logs) == 0 && ended {
			writeEvent(w, strconv.FormatInt(after, 10), "end", end)
			_ = rc.Flush()
			return nil
		}
		if time.Since(heartbeat) > 15*time.Second {
			fmt.Fprint(w, ": keep-alive\n\n")
			heartbeat = time.Now()
		}
		if err := rc.Flush(); err != nil {
			return nil
		}
		if len(logs) > 0 {
			continue
		}
		select {
		case <-r.Context().Done():
			return nil
		case <-changed:
		case <-time.After(ssePoll):
		}
	}
}

func writeEvent(w http.ResponseWriter, id, event string, data any) {
	b, _ := json.Marshal(data)
	fmt.Fprintf(w, "id: %s\nevent: %s\ndata: %s\n\n", id, event, b)
}

func (s *Server) jobEvents(w http.ResponseWriter, r *http.Request) error {
	if r.PathValue("view") != "events" {
		return apperr.New(apperr.NotFound, "route_not_found", "no route for "+r.Method+" "+r.URL.Path)
	}
	sc, id := callerScope(r), r.PathValue("id")
	if _, err := s.deps.Jobs.Get(r.Context(), sc, id); err != nil {
		return err
	}
	return s.streamEvents(w, r, eventFeed{
		logs: func(after int64) ([]job.Log, error) { return s.deps.Jobs.Logs(r.Context(), sc, id, after) },
		ended: func() (bool, EndEvent, error) {
			j, err := s.deps.Jobs.Get(r.Context(), sc, id)
			return err == nil && !job.Active(j.Status), EndEvent{Status: j.Status}, err
		},
	})
}

func (s *Server) batchEvents(w http.ResponseWriter, r *http.Request) error {
	sc, id := callerScope(r), r.PathValue("id")
	if _, _, err := s.deps.Jobs.GetBatch(r.Context(), sc, id); err != nil {
		return err
	}
	return s.streamEvents(w, r, eventFeed{
		logs: func(after int64) ([]job.Log, error) { return s.deps.Jobs.BatchLogs(r.Context(), sc, id, after) },
		ended: func() (bool, EndEvent, error) {
			_, jobs, err := s.deps.Jobs.GetBatch(r.Context(), sc, id)
			counts := job.BatchCounts(jobs)
			status := "completed"
			if counts[job.StatusQueued]+counts[job.StatusRunning] > 0 {
				status = "running"
			}
			return err == nil && status == "completed", EndEvent{Status: status, Counts: counts}, err
		},
	})
}
