package lsp

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"

	"github.com/certlab/certlab/internal/pipelines"
)

// testClient is the editor side: go.lsp.dev/protocol's client, which
// receives the diagnostics the server publishes.
type testClient struct {
	protocol.Client // not called: the server only publishes diagnostics
	mu              sync.Mutex
	diags           map[protocol.DocumentURI][]protocol.Diagnostic
	arrived         chan protocol.DocumentURI
}

func (c *testClient) PublishDiagnostics(_ context.Context, p *protocol.PublishDiagnosticsParams) error {
	c.mu.Lock()
	c.diags[p.URI] = p.Diagnostics
	c.mu.Unlock()
	c.arrived <- p.URI
	return nil
}

func (c *testClient) LogMessage(context.Context, *protocol.LogMessageParams) error { return nil }

// session is a running server and a client connected to it over a pipe.
type session struct {
	t      testing.TB
	ctx    context.Context
	server protocol.Server
	client *testClient
	done   chan error
	dir    string
}

func startSession(t testing.TB, files map[string]string) *session {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	serverEnd, clientEnd := net.Pipe()
	s := &session{t: t, ctx: ctx, dir: dir, done: make(chan error, 1)}
	go func() { s.done <- Serve(ctx, serverEnd, Options{}) }()
	s.client = &testClient{diags: map[protocol.DocumentURI][]protocol.Diagnostic{}, arrived: make(chan protocol.DocumentURI, 64)}
	_, conn, server := protocol.NewClient(ctx, s.client, jsonrpc2.NewStream(clientEnd), zap.NewNop())
	s.server = server
	t.Cleanup(func() { conn.Close() })
	res, err := server.Initialize(ctx, &protocol.InitializeParams{WorkspaceFolders: []protocol.WorkspaceFolder{{URI: string(uri.File(dir)), Name: "test"}}})
	if err != nil {
		t.Fatalf("initialize: %v", err)
	}
	if res.Capabilities.CompletionProvider == nil || res.Capabilities.HoverProvider != true {
		t.Fatalf("capabilities %+v", res.Capabilities)
	}
	if err := server.Initialized(ctx, &protocol.InitializedParams{}); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *session) uri(name string) protocol.DocumentURI {
	return uri.File(filepath.Join(s.dir, filepath.FromSlash(name)))
}

func (s *session) text(name string) string {
	b, err := os.ReadFile(filepath.Join(s.dir, filepath.FromSlash(name)))
	if err != nil {
		s.t.Fatal(err)
	}
	return string(b)
}

func (s *session) open(name string) {
	s.t.Helper()
	err := s.server.DidOpen(s.ctx, &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: s.uri(name), LanguageID: "yaml", Version: 1, Text: s.text(name)}})
	if err != nil {
		s.t.Fatal(err)
	}
}

func (s *session) change(name string, version int32, text string) {
	s.t.Helper()
	err := s.server.DidChange(s.ctx, &protocol.DidChangeTextDocumentParams{
		TextDocument:   protocol.VersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: s.uri(name)}, Version: version},
		ContentChanges: []protocol.TextDocumentContentChangeEvent{{Text: text}},
	})
	if err != nil {
		s.t.Fatal(err)
	}
}

// diagnostics waits until the server has published for name and returns
// what it published last.
func (s *session) diagnostics(name string) []protocol.Diagnostic {
	s.t.Helper()
	want := s.uri(name)
	for {
		select {
		case u := <-s.client.arrived:
			if u != want {
				continue
			}
			s.client.mu.Lock()
			d := s.client.diags[u]
			s.client.mu.Unlock()
			return d
		case <-time.After(10 * time.Second):
			s.t.Fatalf("no diagnostics for %s", name)
		}
	}
}

func (s *session) hover(name string, line, char uint32) string {
	s.t.Helper()
	h, err := s.server.Hover(s.ctx, &protocol.HoverParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: s.uri(name)}, Position: protocol.Position{Line: line, Character: char}}})
	if err != nil {
		s.t.Fatal(err)
	}
	if h == nil {
		return ""
	}
	return h.Contents.Value
}

func (s *session) complete(name string, line, char uint32) []string {
	s.t.Helper()
	l, err := s.server.Completion(s.ctx, &protocol.CompletionParams{TextDocumentPositionParams: protocol.TextDocumentPositionParams{TextDocument: protocol.TextDocumentIdentifier{URI: s.uri(name)}, Position: protocol.Position{Line: line, Character: char}}})
	if err != nil {
		s.t.Fatal(err)
	}
	var out []string
	for _, it := range l.Items {
		out = append(out, it.Label)
	}
	return out
}

func (s *session) close() {
	s.t.Helper()
	if err := s.server.Shutdown(s.ctx); err != nil {
		s.t.Fatal(err)
	}
	if err := s.server.Exit(s.ctx); err != nil {
		s.t.Fatal(err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			s.t.Fatalf("serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		s.t.Fatal("the server did not exit")
	}
}

const (
	pipelineYAML = `trigger: none
pool:
  vmImage: ubuntu-latest
steps:
- template: templates/build.yml
  parameters:
    config: fast
- script: echo ${{ eq(variables['Build.Reason'], 'Manual') }}
`
	templateYAML = `parameters:
- name: config
  type: string
  default: debug
  values: [debug, release]
- name: verbose
  type: boolean
  default: false
steps:
- script: make ${{ parameters.config }}
`
)

// expectedMessage is what certlab pipeline validate says about a file.
func expectedMessage(t *testing.T, dir, name string) *pipelines.Error {
	t.Helper()
	_, err := pipelines.Expand(filepath.Join(dir, name), pipelines.Options{Root: dir})
	var pe *pipelines.Error
	if !errors.As(err, &pe) {
		t.Fatalf("expand: %v, want a located error", err)
	}
	return pe
}

// TestDiagnostics opens a pipeline whose template call passes a value the
// template does not allow, fixes it, and then breaks the template itself:
// each time the server publishes the messages certlab pipeline validate
// prints, at their file, line and column.
func TestDiagnostics(t *testing.T) {
	s := startSession(t, map[string]string{"pipeline.yml": pipelineYAML, "templates/build.yml": templateYAML})
	want := expectedMessage(t, s.dir, "pipeline.yml")
	s.open("pipeline.yml")
	d := s.diagnostics("pipeline.yml")
	if len(d) != 1 || d[0].Message != want.Msg || d[0].Range.Start.Line != uint32(want.Pos.Line-1) || d[0].Range.Start.Character != uint32(want.Pos.Col-1) {
		t.Fatalf("diagnostics %+v, want %q at %d:%d", d, want.Msg, want.Pos.Line, want.Pos.Col)
	}
	if !strings.Contains(d[0].Message, "'fast' is not a valid value") {
		t.Errorf("message %q", d[0].Message)
	}

	s.change("pipeline.yml", 2, strings.Replace(pipelineYAML, "fast", "release", 1))
	if d := s.diagnostics("pipeline.yml"); len(d) != 0 {
		t.Fatalf("after the fix: %+v", d)
	}

	// An error inside the included template is published for the template.
	s.open("templates/build.yml")
	s.diagnostics("templates/build.yml")
	broken := strings.Replace(templateYAML, "make ${{ parameters.config }}", "make ${{ upper(parameters.config }}", 1)
	s.change("templates/build.yml", 2, broken)
	d = s.diagnostics("templates/build.yml")
	if len(d) != 1 || d[0].Range.Start.Line != 9 || !strings.Contains(d[0].Message, "Unexpected end of expression") {
		t.Fatalf("template diagnostics %+v", d)
	}
	s.close()
}

// TestTemplateOnItsOwn checks that a template opened alone, whose
// parameters have no values, gets only syntax diagnostics.
func TestTemplateOnItsOwn(t *testing.T) {
	s := startSession(t, map[string]string{"t.yml": "parameters:\n- name: required\n  type: string\nsteps:\n- script: echo ${{ parameters.required }}\n- script: ${{ nothing() }}\n"})
	s.open("t.yml")
	d := s.diagnostics("t.yml")
	if len(d) != 1 || d[0].Range.Start.Line != 5 || !strings.Contains(d[0].Message, "Unrecognized function: 'nothing'") {
		t.Fatalf("diagnostics %+v", d)
	}
	s.close()
}

func TestHover(t *testing.T) {
	s := startSession(t, map[string]string{"pipeline.yml": pipelineYAML, "templates/build.yml": templateYAML})
	s.open("pipeline.yml")
	s.diagnostics("pipeline.yml")
	tests := []struct {
		name       string
		line, char uint32
		want       string
	}{
		{"keyword", 1, 1, "**pool**"},
		{"hosted image keyword", 2, 4, "**vmImage**"},
		{"expression function", 7, 20, "eq(a, b)"},
		{"template parameter", 6, 6, "**parameter config** (string)"},
		{"allowed values of the parameter", 6, 6, "allowed values: debug, release"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := s.hover("pipeline.yml", tt.line, tt.char); !strings.Contains(got, tt.want) {
				t.Errorf("hover at %d:%d = %q, want it to contain %q", tt.line, tt.char, got, tt.want)
			}
		})
	}
	s.open("templates/build.yml")
	if got := s.hover("templates/build.yml", 9, 31); !strings.Contains(got, "**parameter config**") || !strings.Contains(got, "default: `debug`") {
		t.Errorf("hover on parameters.config: %q", got)
	}
	s.close()
}

func TestCompletion(t *testing.T) {
	doc := `trigger: none
steps:
- template: templates/build.yml
  parameters:
    config: 
    
- script: echo ${{ parameters. }}
- 
`
	s := startSession(t, map[string]string{"pipeline.yml": doc, "templates/build.yml": templateYAML})
	s.open("pipeline.yml")
	s.diagnostics("pipeline.yml")
	has := func(got []string, want ...string) bool {
		for _, w := range want {
			found := false
			for _, g := range got {
				found = found || g == w
			}
			if !found {
				return false
			}
		}
		return true
	}
	tests := []struct {
		name       string
		line, char uint32
		want       []string
		not        []string
	}{
		{"the template's parameter names", 5, 4, []string{"verbose"}, []string{"config", "script"}},
		{"the parameter's allowed values", 4, 12, []string{"debug", "release"}, nil},
		{"step keywords", 7, 2, []string{"script", "bash", "task", "template", "checkout"}, []string{"job"}},
		{"pipeline keywords", 8, 0, []string{"pool", "stages", "variables"}, []string{"trigger", "steps"}},
		{"expression functions", 6, 19, []string{"eq", "format", "coalesce"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.complete("pipeline.yml", tt.line, tt.char)
			if !has(got, tt.want...) {
				t.Errorf("completion at %d:%d = %v, want %v", tt.line, tt.char, got, tt.want)
			}
			for _, n := range tt.not {
				if has(got, n) {
					t.Errorf("completion at %d:%d offers %s: %v", tt.line, tt.char, n, got)
				}
			}
		})
	}
	s.open("templates/build.yml")
	if got := s.complete("templates/build.yml", 9, 30); !has(got, "config", "verbose") {
		t.Errorf("parameters. completion in the template: %v", got)
	}
	s.close()
}

// TestUnsupportedRequest checks that a method the server does not offer is
// answered "method not found", not a crash.
func TestUnsupportedRequest(t *testing.T) {
	s := startSession(t, map[string]string{"pipeline.yml": pipelineYAML})
	_, err := s.server.Definition(s.ctx, &protocol.DefinitionParams{})
	var je *jsonrpc2.Error
	if !errors.As(err, &je) || je.Code != jsonrpc2.MethodNotFound {
		t.Fatalf("definition: %v, want method not found", err)
	}
	s.close()
}
