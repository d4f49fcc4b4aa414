package main

import (
	"context"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.lsp.dev/jsonrpc2"
	"go.lsp.dev/protocol"
	"go.lsp.dev/uri"
	"go.uber.org/zap"
)

// TestPipelineExpandReportsExtendsErrors checks that an error inside an
// extends template fails "pipeline expand" with the template's message
// (realworld-repros B1: it used to print {} and exit 0).
func TestPipelineExpandReportsExtendsErrors(t *testing.T) {
	dir := sharedFixture(t, "azure-pipelines/realworld-repros/b1-extends-error-swallowed")
	for _, sub := range []string{"expand", "validate"} {
		t.Run(sub, func(t *testing.T) {
			out, err := runCmd(t, context.Background(), "", "pipeline", sub, filepath.Join(dir, "pipeline.yml"), "--root", dir)
			if !errors.Is(err, errSilentFailure) {
				t.Fatalf("pipeline %s: error %v, want a failure exit\n%s", sub, err, out)
			}
			if !strings.Contains(out, "base.yml:5:3: The repository 'undeclared' is not declared") {
				t.Errorf("output does not name the template's error:\n%s", out)
			}
		})
	}
}

// pipes joins the two ends the test client talks through.
type pipes struct {
	io.Reader
	io.WriteCloser
}

type diagnosticsClient struct {
	protocol.Client // not called: the server only publishes diagnostics
	got             chan *protocol.PublishDiagnosticsParams
}

func (c diagnosticsClient) PublishDiagnostics(_ context.Context, p *protocol.PublishDiagnosticsParams) error {
	c.got <- p
	return nil
}

// TestPipelineLSPCommand runs "certlab pipeline lsp" on piped standard
// input and output with go.lsp.dev's client: it publishes the diagnostics
// of an opened pipeline and exits when asked.
func TestPipelineLSPCommand(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"pipeline", "lsp"}, func(string) string { return "" }, inR, outW, io.Discard)
		outW.Close()
	}()
	client := diagnosticsClient{got: make(chan *protocol.PublishDiagnosticsParams, 8)}
	_, conn, server := protocol.NewClient(ctx, client, jsonrpc2.NewStream(pipes{outR, inW}), zap.NewNop())
	defer conn.Close()
	dir := t.TempDir()
	if _, err := server.Initialize(ctx, &protocol.InitializeParams{WorkspaceFolders: []protocol.WorkspaceFolder{{URI: string(uri.File(dir)), Name: "test"}}}); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "azure-pipelines.yml")
	text := "steps:\n- script: echo ${{ nothing() }}\n"
	if err := server.DidOpen(ctx, &protocol.DidOpenTextDocumentParams{TextDocument: protocol.TextDocumentItem{URI: uri.File(file), Version: 1, Text: text}}); err != nil {
		t.Fatal(err)
	}
	select {
	case p := <-client.got:
		if len(p.Diagnostics) != 1 || !strings.Contains(p.Diagnostics[0].Message, "Unrecognized function: 'nothing'") || p.Diagnostics[0].Range.Start.Line != 1 {
			t.Errorf("diagnostics %+v", p.Diagnostics)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no diagnostics")
	}
	if err := server.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if err := server.Exit(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("pipeline lsp: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("pipeline lsp did not exit")
	}
}
