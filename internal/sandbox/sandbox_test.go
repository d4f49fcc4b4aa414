package sandbox_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/item"
	"github.com/certlab/certlab/internal/sandbox"
)

var t0 = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

func demo(t testing.TB) *sandbox.Demo {
	t.Helper()
	d, err := sandbox.New(apptest.Catalog(t))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// The demo has a case study, a yes/no series and one item of every other
// kind, all from the practice pool.
func TestDemoForm(t *testing.T) {
	d := demo(t)
	kinds := map[string]bool{}
	secs := []string{}
	for _, s := range d.Form.Sections {
		secs = append(secs, s.Kind)
		for _, q := range s.Questions {
			it, ok := d.Item(q.Key)
			if !ok {
				t.Fatalf("question %s has no item", q.Key)
			}
			if it.Pool != certlab.PoolPractice || it.Pilot {
				t.Errorf("item %s is from the %s pool (pilot %v): the sandbox shows practice items only", it.ID, it.Pool, it.Pilot)
			}
			kinds[it.Type] = true
		}
		if s.CaseID != "" {
			if c, _ := d.Exam.Case(s.CaseID); c.Pool != certlab.PoolPractice {
				t.Errorf("case %s is from the %s pool", c.ID, c.Pool)
			}
		}
	}
	if strings.Join(secs, ",") != "case-study,yes-no-series,general" {
		t.Fatalf("sections %v", secs)
	}
	for _, k := range []string{"single", "multiple", "ordering", "matching", "hotarea", "activescreen", "yesno-series"} {
		if !kinds[k] {
			t.Errorf("no %s item in the sandbox", k)
		}
	}
}

// A run follows the exam's rules, and its view never carries a key or an
// explanation.
func TestRun(t *testing.T) {
	d := demo(t)
	st := d.Start(t0)
	v := d.View(st, t0)
	if *v.SecondsLeft != int64(sandbox.TimeLimit/time.Second) || v.Sections[0].State != "open" || v.Sections[0].Case == nil || len(v.Sections[1].Questions) != 0 {
		t.Fatalf("first view: %+v", v)
	}
	b, _ := json.Marshal(v)
	for _, s := range d.Form.Sections {
		for _, q := range s.Questions {
			it, _ := d.Item(q.Key)
			if p := strings.Fields(it.Explanation); len(p) > 6 && strings.Contains(string(b), strings.Join(p[:6], " ")) {
				t.Fatalf("the view carries the explanation of %s", it.ID)
			}
		}
	}
	case1 := d.Form.Sections[0].Questions[0]
	it, _ := d.Item(case1.Key)
	key := item.AnswerKey(it, "")
	if err := d.Save(st, case1.Key, key, true, t0); err != nil {
		t.Fatal(err)
	}
	if err := d.Save(st, case1.Key, json.RawMessage(`{"nonsense": 1}`), false, t0); certlab.ErrorCode(err) != certlab.EINVALID {
		t.Fatalf("a value of the wrong shape: %v", err)
	}
	yn := d.Form.Sections[1].Questions
	if err := d.Save(st, yn[0].Key, json.RawMessage(`true`), false, t0); certlab.ErrorCode(err) != certlab.ENOTFOUND {
		t.Fatalf("a question of an upcoming section: %v", err)
	}
	if v := d.View(st, t0); v.Answered != 1 || len(v.Review) != 1 {
		t.Fatalf("after a marked answer: %d answered, review %v", v.Answered, v.Review)
	}
	if err := d.Complete(st, 0, t0); err != nil {
		t.Fatal(err)
	}
	if err := d.Save(st, case1.Key, key, false, t0); certlab.ErrorCode(err) != certlab.ESECTIONCLOSED {
		t.Fatalf("back into a completed section: %v", err)
	}
	// The yes/no series: one statement at a time, no way back.
	if v := d.View(st, t0); len(v.Sections[1].Questions) != 1 || v.Sections[1].Questions[0].Key != yn[0].Key || v.Sections[1].Questions[0].Statement == "" {
		t.Fatalf("series view %+v", v.Sections[1])
	}
	if err := d.Save(st, yn[1].Key, json.RawMessage(`true`), false, t0); certlab.ErrorCode(err) != certlab.ENOTREVISITABLE {
		t.Fatalf("a later statement: %v", err)
	}
	if err := d.Save(st, yn[0].Key, json.RawMessage(`true`), true, t0); err != nil {
		t.Fatal(err)
	}
	if st.Marked[yn[0].Key] {
		t.Fatal("a yes/no statement was marked for review")
	}
	if err := d.Next(st, 1, t0); err != nil {
		t.Fatal(err)
	}
	if err := d.Save(st, yn[0].Key, json.RawMessage(`false`), false, t0); certlab.ErrorCode(err) != certlab.ENOTREVISITABLE {
		t.Fatalf("a statement left behind: %v", err)
	}
	// Time up: nothing more is saved.
	late := t0.Add(sandbox.TimeLimit)
	if err := d.Save(st, yn[1].Key, json.RawMessage(`true`), false, late); certlab.ErrorCode(err) != certlab.EDEADLINE {
		t.Fatalf("after the deadline: %v", err)
	}
	for range len(d.Form.Sections) - 1 {
		if err := d.Complete(st, st.Section, t0); err != nil {
			t.Fatal(err)
		}
	}
	if !st.Finished || d.View(st, t0).Status != certlab.StatusSubmitted {
		t.Fatalf("not finished: %+v", st)
	}
}

// A state survives the round trip through the cookie; a tampered or
// malformed one is refused with a reason.
func TestStateCodec(t *testing.T) {
	d := demo(t)
	st := d.Start(t0)
	q := d.Form.Sections[0].Questions[1]
	it, _ := d.Item(q.Key)
	if err := d.Save(st, q.Key, item.AnswerKey(it, ""), true, t0); err != nil {
		t.Fatal(err)
	}
	s, err := d.Encode(st)
	if err != nil {
		t.Fatal(err)
	}
	back, err := d.Decode(s)
	if err != nil {
		t.Fatal(err)
	}
	if string(back.Answers[q.Key]) != string(st.Answers[q.Key]) || !back.Marked[q.Key] || back.Deadline != st.Deadline {
		t.Fatalf("round trip: %+v, want %+v", back, st)
	}
	enc := func(v string) string { return base64.RawURLEncoding.EncodeToString([]byte(v)) }
	bad := map[string]string{
		"not base64":       "%%%",
		"not JSON":         enc("hello"),
		"unknown field":    enc(`{"v":1,"s":1,"d":1201,"sec":0,"admin":true}`),
		"version":          enc(`{"v":2,"s":1,"d":1201,"sec":0}`),
		"longer clock":     enc(`{"v":1,"s":1,"d":99999,"sec":0}`),
		"section":          enc(`{"v":1,"s":1,"d":1201,"sec":9}`),
		"position":         enc(`{"v":1,"s":1,"d":1201,"sec":0,"pos":1}`),
		"unknown question": enc(`{"v":1,"s":1,"d":1201,"sec":0,"a":{"nope":"a"}}`),
		"wrong shape":      enc(`{"v":1,"s":1,"d":1201,"sec":0,"a":{"` + q.Key + `":{"x":[1,2]}}}`),
		"unknown mark":     enc(`{"v":1,"s":1,"d":1201,"sec":0,"m":{"nope":true}}`),
		"trailing data":    enc(`{"v":1,"s":1,"d":1201,"sec":0}{}`),
		"too long":         strings.Repeat("A", sandbox.MaxEncoded+1),
	}
	for name, s := range bad {
		t.Run(name, func(t *testing.T) {
			if _, err := d.Decode(s); certlab.ErrorCode(err) != certlab.EINVALID || !strings.Contains(err.Error(), "sandbox state") {
				t.Fatalf("decoded: %v", err)
			}
		})
	}
}

// FuzzState: go test ./internal/sandbox -run XXX -fuzz FuzzState -fuzztime 30s
// Decoding any cookie value either fails with EINVALID or gives a state
// that encodes, decodes to the same, and whose view builds.
func FuzzState(f *testing.F) {
	d := demo(f)
	st := d.Start(t0)
	good, _ := d.Encode(st)
	f.Add(good)
	q := d.Form.Sections[0].Questions[0]
	it, _ := d.Item(q.Key)
	_ = d.Save(st, q.Key, item.AnswerKey(it, ""), true, t0)
	marked, _ := d.Encode(st)
	f.Add(marked)
	f.Add("")
	f.Add(base64.RawURLEncoding.EncodeToString([]byte(`{"v":1,"s":1,"d":1201,"sec":3}`)))
	f.Add(base64.RawURLEncoding.EncodeToString([]byte(`{"v":1,"s":1,"d":1201,"sec":1,"pos":2,"a":{"x":null}}`)))
	f.Fuzz(func(t *testing.T, s string) {
		st, err := d.Decode(s)
		if err != nil {
			if certlab.ErrorCode(err) != certlab.EINVALID {
				t.Fatalf("error without the invalid code: %v", err)
			}
			return
		}
		enc, err := d.Encode(st)
		if err != nil {
			return // a valid state can exceed the cookie once re-encoded canonically; refusing it is fine
		}
		again, err := d.Decode(enc)
		if err != nil {
			t.Fatalf("re-decoding an encoded state: %v", err)
		}
		b1, _ := json.Marshal(st)
		b2, _ := json.Marshal(again)
		if string(b1) != string(b2) {
			t.Fatalf("round trip changed the state:\n%s\n%s", b1, b2)
		}
		d.View(st, time.Unix(st.Started, 0))
	})
}
