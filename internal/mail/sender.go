package mail

import (
	"context"
	"crypto/tls"

	gomail "github.com/wneessen/go-mail"
)

// Sender hands one message to the mail system.
type Sender interface {
	Send(ctx context.Context, msg *gomail.Msg) error
}

// SMTPSender sends over SMTP with go-mail: one connection per message
// (Mitreden sends few), STARTTLS or TLS as configured, authenticated when
// the URL carries a user.
type SMTPSender struct {
	Settings Settings
}

// NewSMTPSender returns a Sender for set.
func NewSMTPSender(set Settings) *SMTPSender { return &SMTPSender{Settings: set} }

// Send delivers msg.
func (s *SMTPSender) Send(ctx context.Context, msg *gomail.Msg) error {
	set := s.Settings
	opts := []gomail.Option{gomail.WithPort(set.Port), gomail.WithTimeout(set.Timeout),
		gomail.WithTLSConfig(&tls.Config{ServerName: set.Host, MinVersion: tls.VersionTLS12})}
	switch set.TLS {
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	case TLSRequired:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	if set.Username != "" {
		auth := gomail.SMTPAuthAutoDiscover
		if set.TLS == TLSNone {
			auth = gomail.SMTPAuthPlainNoEnc // loopback only (ParseSettings)
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(set.Username), gomail.WithPassword(set.Password))
	}
	c, err := gomail.NewClient(set.Host, opts...)
	if err != nil {
		return err
	}
	return c.DialAndSendWithContext(ctx, msg)
}
