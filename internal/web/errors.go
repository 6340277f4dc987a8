package web

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/moderation"
	"github.com/mitreden/mitreden/internal/participation"
	"github.com/mitreden/mitreden/internal/store"
)

// APIError is the JSON error body of the API.
type APIError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields,omitempty"`
	} `json:"error"`
}

// IsAPI reports whether the request is for the JSON API.
func IsAPI(c *fiber.Ctx) bool {
	return strings.HasPrefix(c.Path(), "/api/") || strings.HasPrefix(c.Path(), "/ogcapi")
}

// Fail answers with an error: JSON for the API, an HTML page otherwise.
func (s *Server) Fail(c *fiber.Ctx, status int, code, message string) error {
	return s.FailFields(c, status, code, message, nil)
}

// FailFields answers with an error that names the failed fields.
func (s *Server) FailFields(c *fiber.Ctx, status int, code, message string, fields map[string]string) error {
	if IsAPI(c) {
		var e APIError
		e.Error.Code, e.Error.Message, e.Error.Fields = code, message, fields
		return c.Status(status).JSON(e)
	}
	c.Status(status)
	return s.Render(c, "error", fiber.Map{"Status": status, "Code": code, "Message": message, "Fields": fields,
		"Back": s.backLink(c)})
}

// backLink is the way back from an error page: the procedure the failed
// request belongs to, when there is one, or "" (the page always offers the
// home page too).
func (s *Server) backLink(c *fiber.Ctx) string {
	rest, ok := strings.CutPrefix(c.Path(), "/p/")
	if !ok {
		return ""
	}
	slug, _, _ := strings.Cut(rest, "/")
	if !model.ValidSlug(slug) {
		return ""
	}
	if p, err := s.procedure(c.UserContext(), slug); err != nil || !p.Public() {
		return ""
	}
	return "/p/" + slug
}

func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	status := fiber.StatusInternalServerError
	code := "internal"
	var fe *fiber.Error
	if errors.As(err, &fe) {
		status = fe.Code
		code = strings.ToLower(strings.ReplaceAll(fe.Message, " ", "_"))
	} else if errors.Is(err, store.ErrNotFound) {
		status, code = fiber.StatusNotFound, "not_found"
	} else if store.Unwritable(err) {
		// Disk full or database read-only: say so, keep serving reads.
		s.Log.Error("database cannot take writes", "error", err.Error(), "route", Route(c), "request_id", c.Locals("rid"))
		status, code = fiber.StatusServiceUnavailable, "storage_unavailable"
	}
	l := Localizer(c)
	if l == nil {
		l = s.I18n.Localizer(content.DefaultLocale)
		c.Locals("localizer", l)
	}
	msg := l.T("error.internal")
	switch status {
	case fiber.StatusNotFound:
		code, msg = "not_found", l.T("error.not_found")
	case fiber.StatusRequestEntityTooLarge:
		code, msg = "too_large", l.T("error.too_large")
	case fiber.StatusMethodNotAllowed:
		msg = l.T("error.method")
	case fiber.StatusServiceUnavailable:
		msg = l.T("error.storage_unavailable")
		c.Set(fiber.HeaderRetryAfter, "60")
	case fiber.StatusInternalServerError:
		s.Log.Error("internal error", "error", err.Error(), "route", Route(c), "request_id", c.Locals("rid"))
	default:
		if status < 500 {
			msg = fe.Message
		}
	}
	return s.Fail(c, status, code, msg)
}

// FieldMessages translates validation errors into messages per field.
func FieldMessages(l *content.Localizer, errs model.Errors) map[string]string {
	out := map[string]string{}
	for _, e := range errs {
		if _, ok := out[e.Field]; ok {
			continue
		}
		args := []any{}
		for k, v := range e.Args {
			args = append(args, k, v)
		}
		out[e.Field] = l.T("validation."+e.Code, args...)
	}
	return out
}

// WriteError answers an error of a resident's or moderator's action
// (validation, phase, switches, unknown contribution) with a fitting 4xx,
// JSON for the API and an HTML page otherwise; anything else is passed on
// as a server error.
func (s *Server) WriteError(c *fiber.Ctx, err error) error {
	if e, ok := ClassifyError(Localizer(c), err); ok {
		return s.FailFields(c, e.Status, e.Code, e.Message, e.Fields)
	}
	return err
}

// ActionError is the answer to a refused action: status, code, message
// and, for validation, the messages per field.
type ActionError struct {
	Status        int
	Code, Message string
	Fields        map[string]string
}

// ClassifyError tells what a refused action answers; ok is false for
// errors that are not the client's (they become server errors).
func ClassifyError(l *content.Localizer, err error) (ActionError, bool) {
	var verrs model.Errors
	if errors.As(err, &verrs) {
		fields := FieldMessages(l, verrs)
		e := ActionError{Status: fiber.StatusUnprocessableEntity, Code: "validation", Message: fields[verrs[0].Field], Fields: fields}
		if verrs.Has("phase") {
			e.Status, e.Code = fiber.StatusForbidden, "phase_closed"
			if verrs.HasCode("phase", "procedure_closed") {
				e.Code = "procedure_closed"
			}
		}
		return e, true
	}
	for _, m := range actionErrors {
		if errors.Is(err, m.err) {
			return ActionError{Status: m.status, Code: m.code, Message: l.T(m.key)}, true
		}
	}
	return ActionError{}, false
}

var actionErrors = []struct {
	err    error
	status int
	code   string
	key    string
}{
	{store.ErrNotFound, fiber.StatusNotFound, "not_found", "error.contribution_not_found"},
	{participation.ErrPhaseClosed, fiber.StatusForbidden, "phase_closed", "validation.phase_closed"},
	{participation.ErrProcedureClosed, fiber.StatusForbidden, "procedure_closed", "validation.procedure_closed"},
	{participation.ErrCommentsClosed, fiber.StatusForbidden, "comments_closed", "error.comments_closed"},
	{participation.ErrRatingsClosed, fiber.StatusForbidden, "ratings_closed", "error.ratings_closed"},
	{participation.ErrInvalidVote, fiber.StatusBadRequest, "invalid_vote", "error.invalid_vote"},
	{participation.ErrNotEditable, fiber.StatusConflict, "not_editable", "error.not_editable"},
	{store.ErrInvalidParent, fiber.StatusBadRequest, "invalid_parent", "error.invalid_parent"},
	{participation.ErrInvalidFlagKind, fiber.StatusBadRequest, "invalid_flag", "error.invalid_flag"},
	{participation.ErrNoConception, fiber.StatusNotFound, "not_found", "error.conception_not_found"},
	{participation.ErrNoComment, fiber.StatusNotFound, "comment_not_found", "error.flag_comment"},
	{moderation.ErrForbidden, fiber.StatusForbidden, "forbidden", "error.forbidden"},
	{moderation.ErrNoChange, fiber.StatusBadRequest, "no_change", "error.no_change"},
	{moderation.ErrNotModeratable, fiber.StatusConflict, "not_moderatable", "error.not_moderatable"},
	{store.ErrMergeTarget, fiber.StatusConflict, "merge_target", "error.merge_target"},
	{store.ErrResolved, fiber.StatusConflict, "resolved", "error.report_resolved"},
	{store.ErrErased, fiber.StatusConflict, "erased", "retention.error_erased"},
}
