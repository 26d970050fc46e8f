package web

import (
	"bufio"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
)

var refPattern = regexp.MustCompile(`"\$ref":"#/components/schemas/([A-Za-z]+)"`)

// streamEvent is one server-sent event.
type streamEvent struct {
	ID   string
	Kind string
	Data json.RawMessage
}

type eventReader struct{ sc *bufio.Scanner }

func newEventReader(resp *http.Response) *eventReader {
	return &eventReader{sc: bufio.NewScanner(resp.Body)}
}

// next returns the next event, skipping comments.
func (r *eventReader) next() (streamEvent, error) {
	var e streamEvent
	for r.sc.Scan() {
		line := r.sc.Text()
		switch {
		case line == "" && e.Data != nil:
			var head struct {
				Kind string `json:"kind"`
			}
			_ = json.Unmarshal(e.Data, &head)
			e.Kind = head.Kind
			return e, nil
		case strings.HasPrefix(line, "id: "):
			e.ID = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "data: "):
			e.Data = json.RawMessage(strings.TrimPrefix(line, "data: "))
		}
	}
	if err := r.sc.Err(); err != nil {
		return e, err
	}
	return e, http.ErrBodyReadAfterClose
}
