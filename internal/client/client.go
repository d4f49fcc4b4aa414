// Package client is a small Go client of certlab's JSON API, used by the
// terminal commands (certlab practice, certlab exam take).
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/examstart"
	"github.com/certlab/certlab/internal/labrun"
)

// Client talks to one certlab server with an API token.
type Client struct {
	BaseURL string
	Token   string
	HTTP    *http.Client
}

// New returns a client for the server at baseURL.
func New(baseURL, token string) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), Token: token, HTTP: &http.Client{Timeout: 30 * time.Second}}
}

// Error is an error answer of the API.
type Error struct {
	Status  int
	Code    string
	Message string
}

func (e *Error) Error() string { return fmt.Sprintf("%s (%s)", e.Message, e.Code) }

func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	ctype := ""
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd, ctype = bytes.NewReader(b), "application/json"
	}
	return c.send(ctx, method, path, rd, ctype, out)
}

// send sends a request body of the given content type and decodes the
// JSON answer into out (or copies it when out is a *[]byte).
func (c *Client) send(ctx context.Context, method, path string, rd io.Reader, ctype string, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return err
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("certlab server %s: %w", c.BaseURL, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		var eb struct {
			Error struct{ Code, Message string }
		}
		if json.Unmarshal(raw, &eb) != nil || eb.Error.Code == "" {
			return &Error{Status: resp.StatusCode, Code: "http", Message: fmt.Sprintf("%s %s: HTTP %d", method, path, resp.StatusCode)}
		}
		return &Error{Status: resp.StatusCode, Code: eb.Error.Code, Message: eb.Error.Message}
	}
	if b, ok := out.(*[]byte); ok {
		*b = raw
		return nil
	}
	if out != nil && len(raw) > 0 {
		return json.Unmarshal(raw, out)
	}
	return nil
}

// CreateAttempt creates and starts a practice set (or a renewal
// assessment); exams start with StartExam.
func (c *Client) CreateAttempt(ctx context.Context, examID, mode string, opts *exam.PracticeOptions) (*exam.AttemptView, error) {
	var v exam.AttemptView
	err := c.do(ctx, "POST", "/api/v1/attempts", map[string]any{"exam": examID, "mode": mode, "practice": opts, "start": true}, &v)
	return &v, err
}

// StartInfo returns an exam's start page: facts, agreement, eligibility,
// prerequisites, appointments and any open exam attempt.
func (c *Client) StartInfo(ctx context.Context, examID string) (*examstart.Info, error) {
	var info examstart.Info
	err := c.do(ctx, "GET", "/api/v1/exams/"+examID+"/start", nil, &info)
	return &info, err
}

// StartExam creates and starts an exam once the candidate has accepted
// the agreement; appointment is the admitted appointment of a proctored
// exam (0 for an unproctored practice exam).
func (c *Client) StartExam(ctx context.Context, examID string, appointment int64) (*exam.AttemptView, error) {
	var v exam.AttemptView
	body := map[string]any{"exam": examID, "mode": certlab.ModeExam, "start": true, "accept_agreement": true}
	if appointment > 0 {
		body["appointment"] = appointment
	}
	err := c.do(ctx, "POST", "/api/v1/attempts", body, &v)
	return &v, err
}

// Start starts a created attempt, accepting the candidate agreement.
func (c *Client) Start(ctx context.Context, id int64) (*exam.AttemptView, error) {
	var v exam.AttemptView
	err := c.do(ctx, "POST", fmt.Sprintf("/api/v1/attempts/%d/start", id), map[string]any{"accept_agreement": true}, &v)
	return &v, err
}

// Attempt returns the candidate's view of an attempt.
func (c *Client) Attempt(ctx context.Context, id int64) (*exam.AttemptView, error) {
	var v exam.AttemptView
	err := c.do(ctx, "GET", fmt.Sprintf("/api/v1/attempts/%d", id), nil, &v)
	return &v, err
}

// Save autosaves a response.
func (c *Client) Save(ctx context.Context, id int64, key string, seq int64, value any, marked bool) (*exam.SaveResult, error) {
	var res exam.SaveResult
	err := c.do(ctx, "PUT", fmt.Sprintf("/api/v1/attempts/%d/responses/%s", id, key), map[string]any{"seq": seq, "value": value, "marked": marked}, &res)
	return &res, err
}

// Next moves past the current yes/no statement of section (1-based).
func (c *Client) Next(ctx context.Context, id int64, section int) (*exam.AttemptView, error) {
	var v exam.AttemptView
	err := c.do(ctx, "POST", fmt.Sprintf("/api/v1/attempts/%d/sections/%d/next", id, section), nil, &v)
	return &v, err
}

// CompleteSection closes section (1-based); the last one submits.
func (c *Client) CompleteSection(ctx context.Context, id int64, section int) (*exam.AttemptView, error) {
	var v exam.AttemptView
	err := c.do(ctx, "POST", fmt.Sprintf("/api/v1/attempts/%d/sections/%d/complete", id, section), nil, &v)
	return &v, err
}

// Report returns the score report.
func (c *Client) Report(ctx context.Context, id int64) (*certlab.Report, error) {
	var r certlab.Report
	err := c.do(ctx, "GET", fmt.Sprintf("/api/v1/attempts/%d/report", id), nil, &r)
	return &r, err
}

// Attempts lists the candidate's attempts, newest first.
func (c *Client) Attempts(ctx context.Context) ([]*certlab.Attempt, error) {
	var as []*certlab.Attempt
	err := c.do(ctx, "GET", "/api/v1/attempts", nil, &as)
	return as, err
}

// SubmitLab uploads a practice lab's workspace (a tar.gz, zip or git
// bundle) and returns the server's verdicts.
func (c *Client) SubmitLab(ctx context.Context, labID string, workspace io.Reader) (*labrun.Verdict, error) {
	var v labrun.Verdict
	err := c.send(ctx, "POST", "/api/v1/labs/"+url.PathEscape(labID)+"/submissions", workspace, "application/gzip", &v)
	return &v, err
}

// AttemptLab returns a lab question of an attempt's open section.
func (c *Client) AttemptLab(ctx context.Context, id int64, key string) (*labrun.AttemptLab, error) {
	var al labrun.AttemptLab
	err := c.do(ctx, "GET", fmt.Sprintf("/api/v1/attempts/%d/labs/%s", id, url.PathEscape(key)), nil, &al)
	return &al, err
}

// AttemptLabWorkspace downloads the starting workspace (tar.gz) of an
// attempt's lab question.
func (c *Client) AttemptLabWorkspace(ctx context.Context, id int64, key string) ([]byte, error) {
	var b []byte
	err := c.send(ctx, "GET", fmt.Sprintf("/api/v1/attempts/%d/labs/%s/workspace", id, url.PathEscape(key)), nil, "", &b)
	return b, err
}

// SubmitAttemptLab uploads the workspace of an attempt's lab question; in
// an exam the answer acknowledges it without verdicts.
func (c *Client) SubmitAttemptLab(ctx context.Context, id int64, key string, workspace io.Reader) (*labrun.Verdict, error) {
	var v labrun.Verdict
	err := c.send(ctx, "POST", fmt.Sprintf("/api/v1/attempts/%d/labs/%s/submissions", id, url.PathEscape(key)), workspace, "application/gzip", &v)
	return &v, err
}
