package web

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// LoadProcedure returns the procedure named by the :slug route parameter,
// or answers 404 itself and returns a nil procedure with the answer's error.
// Procedures are kept per slug and version (internal/procedures): a request
// costs one indexed lookup until something changes. Handlers must not
// modify the result.
// A draft is found only for its team and through its preview link
// (mayView); everyone else gets the same 404 as for no procedure at all.
func (s *Server) LoadProcedure(c *fiber.Ctx) (*model.Procedure, error) {
	slug := c.Params("slug")
	if model.ValidSlug(slug) {
		p, err := s.procedure(c.UserContext(), slug)
		if err == nil {
			var ok bool
			if ok, err = s.mayView(c, p); ok {
				return p, nil
			}
		}
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return nil, err
		}
	}
	return nil, s.Fail(c, fiber.StatusNotFound, "not_found", Localizer(c).T("error.procedure_not_found"))
}

func (s *Server) procedure(ctx context.Context, slug string) (*model.Procedure, error) {
	return s.Procedures.BySlug(ctx, slug)
}
