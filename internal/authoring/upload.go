package authoring

import (
	"bytes"
	"context"
	"net/http"
	"path"
	"strings"
	"unicode"

	"github.com/mitreden/mitreden/internal/model"
)

// MaxUpload bounds one attached file.
const MaxUpload = 8 << 20

// Upload is a file as it arrived: the name the browser sent and its bytes.
type Upload struct {
	Name string
	Data []byte
}

// accepted maps the types a file may have, judged by its content, to the
// extension its stored name gets.
var accepted = map[string]string{
	"application/pdf": ".pdf",
	"image/png":       ".png",
	"image/jpeg":      ".jpg",
	"image/gif":       ".gif",
	"image/webp":      ".webp",
}

func limitArgs() map[string]any { return map[string]any{"Max": MaxUpload >> 20} }

// Sniff judges a file by its content, never by its name: it returns the
// type of an accepted file, or a code saying why it is refused — empty,
// too big, SVG (a picture that can carry script), or any other type (a
// renamed program among them).
func Sniff(data []byte) (contentType, code string) {
	switch {
	case len(data) == 0:
		return "", "author_file_empty"
	case len(data) > MaxUpload:
		return "", "author_file_too_big"
	}
	ct := http.DetectContentType(data)
	if i := strings.IndexByte(ct, ';'); i >= 0 {
		ct = ct[:i]
	}
	if _, ok := accepted[ct]; ok {
		return ct, ""
	}
	head := bytes.ToLower(data[:min(len(data), 4096)])
	if bytes.Contains(head, []byte("<svg")) {
		return "", "author_file_svg"
	}
	return "", "author_file_type"
}

// SafeName makes the stored file name: the base of what the browser sent,
// letters, digits, dots, dashes and underscores only, with the extension
// of the type its content has (a program renamed to plan.pdf never gets
// this far; a PDF named plan.exe becomes plan.pdf).
func SafeName(name, contentType string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.TrimSuffix(name, path.Ext(name))
	var b strings.Builder
	for _, r := range name {
		switch {
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)), r == '-', r == '_':
			b.WriteRune(r)
		case r == ' ' || r == '.':
			b.WriteRune('-')
		case r == 'ä':
			b.WriteString("ae")
		case r == 'ö':
			b.WriteString("oe")
		case r == 'ü':
			b.WriteString("ue")
		case r == 'ß':
			b.WriteString("ss")
		}
	}
	base := strings.Trim(b.String(), "-_")
	if len(base) > 80 {
		base = base[:80]
	}
	if base == "" {
		base = "datei"
	}
	return base + accepted[contentType]
}

// AddFile checks and stores a file attached to the procedure or, with
// pageSlug, to one of its content pages.
func (s *Service) AddFile(ctx context.Context, actor *model.User, p *model.Procedure, title, pageSlug string, up Upload) (model.Attachment, error) {
	if err := allowed(actor); err != nil {
		return model.Attachment{}, err
	}
	title = model.Normalize(title)
	errs := checkLine("file-title", title, true, model.TitleMax)
	kind, code := Sniff(up.Data)
	if code != "" {
		errs = append(errs, model.FieldError{Field: "file", Code: code, Args: limitArgs()})
	}
	if pageSlug != "" && !model.ValidSlug(pageSlug) {
		errs = append(errs, model.FieldError{Field: "file-page", Code: "author_slug"})
	}
	if len(errs) > 0 {
		return model.Attachment{}, errs
	}
	att := model.Attachment{ProcedureID: p.ID, PageSlug: pageSlug, Title: title, Filename: SafeName(up.Name, kind), ContentType: kind}
	err := s.Store.AddAttachment(ctx, &att, up.Data, audited(actor, "attachment.add"))
	return att, err
}

// Files lists a procedure's attachments.
func (s *Service) Files(ctx context.Context, p *model.Procedure) ([]model.Attachment, error) {
	return s.Store.Attachments(ctx, p.ID)
}

// File returns one attachment with its bytes.
func (s *Service) File(ctx context.Context, p *model.Procedure, id int64) (model.Attachment, []byte, error) {
	return s.Store.AttachmentData(ctx, p.ID, id)
}

// DeleteFile removes an attachment.
func (s *Service) DeleteFile(ctx context.Context, actor *model.User, p *model.Procedure, id int64) error {
	if err := allowed(actor); err != nil {
		return err
	}
	return s.Store.DeleteAttachment(ctx, p.ID, id, audited(actor, "attachment.delete"))
}
