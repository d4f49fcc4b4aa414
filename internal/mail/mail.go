// Package mail sends certlab's e-mails (reminders, confirmations, password
// resets) through SMTP, or logs them when no SMTP server is configured.
package mail

import (
	"context"
	"fmt"
	"log/slog"
	"net/smtp"
	"strings"
)

// Mailer sends an e-mail.
type Mailer interface {
	Send(ctx context.Context, to, subject, body string) error
}

// LogMailer logs e-mails instead of sending them (no SMTP configured).
type LogMailer struct{ Logger *slog.Logger }

// Send implements Mailer.
func (m LogMailer) Send(ctx context.Context, to, subject, body string) error {
	m.Logger.Info("e-mail not sent (no SMTP server configured)", "to", to, "subject", subject, "body", body)
	return nil
}

// SMTPMailer sends e-mails through an SMTP server with net/smtp.
type SMTPMailer struct {
	Addr     string // host:port
	From     string
	Username string // optional: PLAIN authentication
	Password string
}

// Send implements Mailer.
func (m SMTPMailer) Send(ctx context.Context, to, subject, body string) error {
	for _, v := range []string{to, subject, m.From} {
		if strings.ContainsAny(v, "\r\n") {
			return fmt.Errorf("send mail: header value %q contains a line break", v)
		}
	}
	var auth smtp.Auth
	if m.Username != "" {
		host, _, _ := strings.Cut(m.Addr, ":")
		auth = smtp.PlainAuth("", m.Username, m.Password, host)
	}
	msg := "From: " + m.From + "\r\nTo: " + to + "\r\nSubject: " + subject +
		"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + strings.ReplaceAll(body, "\n", "\r\n") + "\r\n"
	if err := smtp.SendMail(m.Addr, auth, m.From, []string{to}, []byte(msg)); err != nil {
		return fmt.Errorf("send mail to %s via %s: %w", to, m.Addr, err)
	}
	return nil
}
