package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/item"
)

// MaxEncoded bounds an encoded state: it must fit in one cookie.
const MaxEncoded = 3800

// State is one visitor's run of the demo. The browser keeps it (encoded
// in a cookie); the server only reads it back, checks it and writes the
// next one.
type State struct {
	V        int                        `json:"v"`
	Started  int64                      `json:"s"` // Unix seconds
	Deadline int64                      `json:"d"`
	Section  int                        `json:"sec"`
	Position int                        `json:"pos,omitempty"` // in a yes/no series
	Answers  map[string]json.RawMessage `json:"a,omitempty"`
	Marked   map[string]bool            `json:"m,omitempty"`
	Finished bool                       `json:"f,omitempty"`
}

const stateVersion = 1

// Start begins a run now.
func (d *Demo) Start(now time.Time) *State {
	return &State{V: stateVersion, Started: now.Unix(), Deadline: now.Add(TimeLimit).Unix(), Answers: map[string]json.RawMessage{}, Marked: map[string]bool{}}
}

// Encode writes a state as a cookie value (URL-safe base64 of JSON).
func (d *Demo) Encode(st *State) (string, error) {
	b, err := json.Marshal(st)
	if err != nil {
		return "", fmt.Errorf("encode sandbox state: %w", err)
	}
	s := base64.RawURLEncoding.EncodeToString(b)
	if len(s) > MaxEncoded {
		return "", certlab.Errorf(certlab.EINVALID, "the sandbox state is %d bytes, more than %d", len(s), MaxEncoded)
	}
	return s, nil
}

// Decode reads a cookie value back into a state and checks it against the
// demo: the version, the times, the section and position, and every
// answer's key and shape. Anything else is an EINVALID error saying what
// is wrong; nothing of it is trusted.
func (d *Demo) Decode(s string) (*State, error) {
	if len(s) > MaxEncoded {
		return nil, certlab.Errorf(certlab.EINVALID, "sandbox state: %d bytes, more than %d", len(s), MaxEncoded)
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, certlab.Errorf(certlab.EINVALID, "sandbox state: not base64: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var st State
	if err := dec.Decode(&st); err != nil {
		return nil, certlab.Errorf(certlab.EINVALID, "sandbox state: %v", err)
	}
	if dec.More() {
		return nil, certlab.Errorf(certlab.EINVALID, "sandbox state: data after the object")
	}
	switch {
	case st.V != stateVersion:
		return nil, certlab.Errorf(certlab.EINVALID, "sandbox state: version %d, want %d", st.V, stateVersion)
	case st.Started <= 0 || st.Deadline != st.Started+int64(TimeLimit/time.Second):
		return nil, certlab.Errorf(certlab.EINVALID, "sandbox state: the deadline is not the start plus %s", TimeLimit)
	case st.Section < 0 || st.Section > len(d.Form.Sections):
		return nil, certlab.Errorf(certlab.EINVALID, "sandbox state: no section %d", st.Section)
	case st.Position < 0 || st.Position > 0 && (st.Section >= len(d.Form.Sections) || st.Position >= len(d.Form.Sections[st.Section].Questions) || !d.Form.Sections[st.Section].Sequential()):
		return nil, certlab.Errorf(certlab.EINVALID, "sandbox state: no position %d in section %d", st.Position, st.Section)
	}
	if st.Section == len(d.Form.Sections) {
		st.Finished = true
	}
	for key, v := range st.Answers {
		q, _, ok := d.Form.Question(key)
		if !ok {
			return nil, certlab.Errorf(certlab.EINVALID, "sandbox state: no question %q", key)
		}
		clean, err := item.DecodeResponse(d.items[key], q.Statement, v)
		if err != nil {
			return nil, certlab.Errorf(certlab.EINVALID, "sandbox state: answer to %s: %v", key, certlab.ErrorMessage(err))
		}
		if !item.Answered(clean) {
			delete(st.Answers, key)
			continue
		}
		st.Answers[key] = clean
	}
	for key, m := range st.Marked {
		if _, _, ok := d.Form.Question(key); !ok {
			return nil, certlab.Errorf(certlab.EINVALID, "sandbox state: no question %q", key)
		}
		if !m {
			delete(st.Marked, key)
		}
	}
	if st.Answers == nil {
		st.Answers = map[string]json.RawMessage{}
	}
	if st.Marked == nil {
		st.Marked = map[string]bool{}
	}
	return &st, nil
}
