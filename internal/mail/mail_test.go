package mail_test

import (
	"bufio"
	"context"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/certlab/certlab/internal/mail"
)

// smtpSink is a minimal SMTP server on 127.0.0.1 that accepts every
// message and keeps what it received.
type smtpSink struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []string
	rcpt []string
}

func startSMTP(t *testing.T) *smtpSink {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpSink{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpSink) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { c.Write([]byte(line + "\r\n")) }
	say("220 sink ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 sink")
		case strings.HasPrefix(cmd, "MAIL FROM"):
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO"):
			s.mu.Lock()
			s.rcpt = append(s.rcpt, strings.TrimSpace(line[len("RCPT TO:"):]))
			s.mu.Unlock()
			say("250 ok")
		case cmd == "DATA":
			say("354 go ahead")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			s.mu.Lock()
			s.msgs = append(s.msgs, b.String())
			s.mu.Unlock()
			say("250 queued")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func TestSMTPMailer(t *testing.T) {
	sink := startSMTP(t)
	m := mail.SMTPMailer{Addr: sink.ln.Addr().String(), From: "certlab@example.org"}
	if err := m.Send(context.Background(), "ada@example.org", "DevOps Engineer Expert: 90 days left", "Your credential expires.\nRenew it."); err != nil {
		t.Fatal(err)
	}
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if len(sink.msgs) != 1 || len(sink.rcpt) != 1 || !strings.Contains(sink.rcpt[0], "ada@example.org") {
		t.Fatalf("received %d messages to %v", len(sink.msgs), sink.rcpt)
	}
	msg := sink.msgs[0]
	for _, want := range []string{"Subject: DevOps Engineer Expert: 90 days left\r\n", "To: ada@example.org\r\n", "Your credential expires.\r\nRenew it."} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q:\n%s", want, msg)
		}
	}
	// A subject or address with a line break could inject headers: refused.
	if err := m.Send(context.Background(), "ada@example.org\r\nBcc: eve@example.org", "x", "y"); err == nil {
		t.Fatal("a recipient with a line break was accepted")
	}
	if err := (mail.SMTPMailer{Addr: "127.0.0.1:1", From: "a@b"}).Send(context.Background(), "x@y", "s", "b"); err == nil || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Fatalf("unreachable server: %v", err)
	}
}

func TestLogMailer(t *testing.T) {
	var b strings.Builder
	m := mail.LogMailer{Logger: slog.New(slog.NewTextHandler(&b, nil))}
	if err := m.Send(context.Background(), "ada@example.org", "subject", "body"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "no SMTP server configured") || !strings.Contains(b.String(), "ada@example.org") {
		t.Fatalf("log %q", b.String())
	}
}
