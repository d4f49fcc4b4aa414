// Package lsp is an editor server for Azure Pipelines YAML: it speaks the
// Language Server Protocol (over standard input and output for
// `certlab pipeline lsp`) and gives diagnostics (the messages of
// `certlab pipeline validate`, for a pipeline and the templates it
// includes), hover documentation of keywords, expression functions and
// template parameters, and completion of keywords, parameter names and
// their allowed values.
package lsp

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"sync"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"

	"github.com/certlab/certlab/internal/pipelines"
)

// Options configure the server. The client may also set them in the
// initializationOptions of its initialize request
// ({"repositories": {"alias": "/dir"}, "variables": {"name": "value"}}).
type Options struct {
	// Repositories maps repository resources to local folders, as --repo.
	Repositories map[string]string
	// Variables are compile-time variables, as --var.
	Variables map[string]string
}

// Serve runs the server on a connection (standard input and output for an
// editor) until the client sends exit, the connection closes or ctx ends.
func Serve(ctx context.Context, rwc io.ReadWriteCloser, opts Options) error {
	conn := jsonrpc2.NewConn(jsonrpc2.NewStream(rwc))
	s := newServer(protocol.ClientDispatcher(conn, zap.NewNop()), opts)
	conn.Go(ctx, protocol.CancelHandler(jsonrpc2.AsyncHandler(jsonrpc2.ReplyHandler(s.handler()))))
	select {
	case <-ctx.Done():
		conn.Close()
		return ctx.Err()
	case <-s.exit:
		// The client asked the server to exit; the connection's reader may
		// still wait on standard input, which the process gives up.
		conn.Close()
		return nil
	case <-conn.Done():
	}
	if errors.Is(conn.Err(), io.EOF) || errors.Is(conn.Err(), io.ErrClosedPipe) {
		return nil
	}
	return conn.Err()
}

// supported are the methods this server answers; every other request is
// answered "method not found" before it reaches the protocol dispatcher.
var supported = map[string]bool{
	protocol.MethodInitialize:             true,
	protocol.MethodInitialized:            true,
	protocol.MethodShutdown:               true,
	protocol.MethodExit:                   true,
	protocol.MethodTextDocumentDidOpen:    true,
	protocol.MethodTextDocumentDidChange:  true,
	protocol.MethodTextDocumentDidSave:    true,
	protocol.MethodTextDocumentDidClose:   true,
	protocol.MethodTextDocumentHover:      true,
	protocol.MethodTextDocumentCompletion: true,
}

// server implements the protocol.Server methods listed in supported. The
// embedded interface is nil: the handler never routes other methods to it.
type server struct {
	protocol.Server

	client protocol.Client

	mu        sync.Mutex
	opts      Options
	root      string               // the workspace folder, if any
	docs      map[string]*document // open documents by path
	reads     map[string][]string  // root document → files its last expansion read
	published map[string]bool      // files with diagnostics on the client
	cache     pipelines.ParseCache
	shutdown  bool
	exit      chan struct{} // closed by the exit notification
	exitOnce  sync.Once
}

// document is an open text document.
type document struct {
	uri     protocol.DocumentURI
	path    string
	version int32
	text    string
}

func newServer(client protocol.Client, opts Options) *server {
	return &server{client: client, opts: opts, docs: map[string]*document{}, reads: map[string][]string{}, published: map[string]bool{}, exit: make(chan struct{})}
}

func (s *server) handler() jsonrpc2.Handler {
	dispatch := protocol.ServerHandler(s, jsonrpc2.MethodNotFoundHandler)
	return func(ctx context.Context, reply jsonrpc2.Replier, req jsonrpc2.Request) error {
		if !supported[req.Method()] {
			if _, isCall := req.(*jsonrpc2.Call); isCall {
				return reply(ctx, nil, jsonrpc2.Errorf(jsonrpc2.MethodNotFound, "method not supported: %s", req.Method()))
			}
			return nil // a notification this server does not act on
		}
		return dispatch(ctx, reply, req)
	}
}

// Initialize answers the client's capabilities with this server's.
func (s *server) Initialize(_ context.Context, params *protocol.InitializeParams) (*protocol.InitializeResult, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(params.WorkspaceFolders) > 0 {
		s.root = uri.URI(params.WorkspaceFolders[0].URI).Filename()
	} else {
		s.root = legacyRoot(params)
	}
	if o, ok := params.InitializationOptions.(map[string]interface{}); ok {
		s.opts.Repositories = mergeStrings(s.opts.Repositories, o["repositories"])
		s.opts.Variables = mergeStrings(s.opts.Variables, o["variables"])
	}
	return &protocol.InitializeResult{
		Capabilities: protocol.ServerCapabilities{
			TextDocumentSync: protocol.TextDocumentSyncOptions{
				OpenClose: true,
				Change:    protocol.TextDocumentSyncKindFull,
				Save:      &protocol.SaveOptions{IncludeText: true},
			},
			HoverProvider:      true,
			CompletionProvider: &protocol.CompletionOptions{TriggerCharacters: []string{".", ":", " ", "-"}},
		},
		ServerInfo: &protocol.ServerInfo{Name: "certlab pipeline lsp"},
	}, nil
}

// legacyRoot reads the workspace folder from the fields that clients
// older than LSP 3.6 (and some current ones) still send instead of
// workspaceFolders.
func legacyRoot(params *protocol.InitializeParams) string {
	//lint:ignore SA1019 older clients send only rootUri or rootPath
	if params.RootURI != "" {
		//lint:ignore SA1019 as above
		return params.RootURI.Filename()
	}
	//lint:ignore SA1019 as above
	return params.RootPath
}

func mergeStrings(into map[string]string, v interface{}) map[string]string {
	m, ok := v.(map[string]interface{})
	if !ok {
		return into
	}
	out := map[string]string{}
	for k, x := range into {
		out[k] = x
	}
	for k, x := range m {
		if s, ok := x.(string); ok {
			out[k] = s
		}
	}
	return out
}

// Initialized needs no answer.
func (s *server) Initialized(context.Context, *protocol.InitializedParams) error { return nil }

// Shutdown prepares for exit.
func (s *server) Shutdown(context.Context) error {
	s.mu.Lock()
	s.shutdown = true
	s.mu.Unlock()
	return nil
}

// Exit ends Serve.
func (s *server) Exit(context.Context) error {
	s.exitOnce.Do(func() { close(s.exit) })
	return nil
}

// DidOpen records the document and publishes its diagnostics.
func (s *server) DidOpen(ctx context.Context, params *protocol.DidOpenTextDocumentParams) error {
	s.mu.Lock()
	p := params.TextDocument.URI.Filename()
	s.docs[p] = &document{uri: params.TextDocument.URI, path: p, version: params.TextDocument.Version, text: params.TextDocument.Text}
	s.mu.Unlock()
	return s.publish(ctx)
}

// DidChange takes the new text (full synchronisation) and publishes
// diagnostics again.
func (s *server) DidChange(ctx context.Context, params *protocol.DidChangeTextDocumentParams) error {
	s.mu.Lock()
	p := params.TextDocument.URI.Filename()
	d := s.docs[p]
	if d == nil {
		d = &document{uri: params.TextDocument.URI, path: p}
		s.docs[p] = d
	}
	for _, c := range params.ContentChanges {
		d.text = c.Text // full synchronisation: each change is the whole text
	}
	d.version = params.TextDocument.Version
	s.mu.Unlock()
	return s.publish(ctx)
}

// DidSave publishes diagnostics again (templates saved elsewhere may
// change what an open pipeline expands to).
func (s *server) DidSave(ctx context.Context, params *protocol.DidSaveTextDocumentParams) error {
	s.mu.Lock()
	if d := s.docs[params.TextDocument.URI.Filename()]; d != nil && params.Text != "" {
		d.text = params.Text
	}
	s.mu.Unlock()
	return s.publish(ctx)
}

// DidClose forgets the document and clears its diagnostics.
func (s *server) DidClose(ctx context.Context, params *protocol.DidCloseTextDocumentParams) error {
	s.mu.Lock()
	p := params.TextDocument.URI.Filename()
	delete(s.docs, p)
	delete(s.reads, p)
	s.mu.Unlock()
	return s.publish(ctx)
}

// repoRoot is the folder a pipeline's absolute template paths start from:
// the workspace folder when the file is inside it, else the file's folder.
func (s *server) repoRoot(path string) string {
	if s.root != "" {
		if rel, err := filepath.Rel(s.root, path); err == nil && rel != ".." && !filepath.IsAbs(rel) && !startsWithDotDot(rel) {
			return s.root
		}
	}
	return filepath.Dir(path)
}

func startsWithDotDot(rel string) bool {
	return len(rel) >= 3 && rel[:3] == ".."+string(filepath.Separator)
}
