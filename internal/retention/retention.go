// Package retention applies the data-protection rules (GDPR Art. 5(1)(e)
// storage limitation, Art. 17 right to erasure) to contributions: the text
// of withdrawn and hidden contributions is erased after the procedure's
// retention period, and an author can erase their own contribution at
// once through its manage link. Erasure keeps a tombstone — status,
// category, type, origin, times and counts — so that statistics and the
// audit trail keep their numbers; title, text, author name, keywords and
// place are emptied and the full-text entry is removed.
package retention

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Store is what retention needs of the data store; the SQLite store
// satisfies it.
type Store interface {
	Procedures(ctx context.Context) ([]*model.Procedure, error)
	ErasableContributions(ctx context.Context, procedureID int64, before time.Time) ([]string, error)
	EraseContribution(ctx context.Context, id string, a store.Audited, check func(*model.Contribution) error) (*model.Contribution, error)
	ContributionByManageHash(ctx context.Context, h []byte) (*model.Contribution, error)
}

// Actor is the audit log's name for the retention rule.
const Actor = "retention"

// Service applies the rules.
type Service struct {
	Store Store
	Now   func() time.Time
}

// New returns a Service on st.
func New(st Store) *Service { return &Service{Store: st, Now: time.Now} }

// Due is what a purge erases (or, dry, would erase) in one procedure.
type Due struct {
	Slug   string
	Days   int
	IDs    []string
	Erased int
}

// Plan lists, per procedure, the withdrawn and hidden contributions whose
// text has outlived the procedure's retention period at now.
func (s *Service) Plan(ctx context.Context, now time.Time) ([]Due, error) {
	procs, err := s.Store.Procedures(ctx)
	if err != nil {
		return nil, err
	}
	var out []Due
	for _, p := range procs {
		days := p.Settings.Retention()
		ids, err := s.Store.ErasableContributions(ctx, p.ID, now.Add(-time.Duration(days)*24*time.Hour))
		if err != nil {
			return nil, err
		}
		out = append(out, Due{Slug: p.Slug, Days: days, IDs: ids})
	}
	return out, nil
}

// Purge erases what Plan lists at now; progress, if not nil, is told how
// many of all due contributions are done. A contribution that changed in
// the meantime (published again, erased already) is skipped.
func (s *Service) Purge(ctx context.Context, now time.Time, progress func(done, total int)) ([]Due, error) {
	plan, err := s.Plan(ctx, now)
	if err != nil {
		return nil, err
	}
	total, done := 0, 0
	for _, d := range plan {
		total += len(d.IDs)
	}
	for i := range plan {
		for _, id := range plan[i].IDs {
			if err := ctx.Err(); err != nil {
				return plan, err
			}
			_, err := s.Store.EraseContribution(ctx, id, store.Audited{Actor: Actor, Action: "contribution.erase"}, removed)
			switch {
			case err == nil:
				plan[i].Erased++
			case errors.Is(err, errSkip), errors.Is(err, store.ErrErased), errors.Is(err, store.ErrNotFound):
			default:
				return plan, err
			}
			done++
			if progress != nil {
				progress(done, total)
			}
		}
	}
	return plan, nil
}

// errSkip: the contribution is no longer withdrawn or hidden.
var errSkip = errors.New("retention: no longer withdrawn or hidden")

// removed admits only what the rule erases: withdrawn and hidden contributions.
func removed(c *model.Contribution) error {
	if c.Status != model.Withdrawn && c.Status != model.Hidden {
		return errSkip
	}
	return nil
}

// EraseOwn erases the contribution behind a manage token at its author's
// request (Art. 17), in any phase: a contribution still waiting or
// published is withdrawn as well; the manage link stops working.
func (s *Service) EraseOwn(ctx context.Context, p *model.Procedure, token string) (*model.Contribution, error) {
	if token == "" || len(token) > 100 {
		return nil, store.ErrNotFound
	}
	c, err := s.Store.ContributionByManageHash(ctx, auth.HashToken(token))
	if err != nil {
		return nil, err
	}
	if c.ProcedureID != p.ID {
		return nil, store.ErrNotFound
	}
	return s.Store.EraseContribution(ctx, c.ID, store.Audited{Actor: "author", Action: "contribution.erase"}, func(c *model.Contribution) error {
		if c.Status == model.Submitted || c.Status == model.Published {
			c.Status = model.Withdrawn
		}
		return nil
	})
}

// Run applies the rules after first and then every interval until ctx
// ends, logging what it erased.
func (s *Service) Run(ctx context.Context, log *slog.Logger, first, interval time.Duration) {
	t := time.NewTimer(first)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		plan, err := s.Purge(ctx, s.Now(), nil)
		if err != nil && ctx.Err() == nil {
			log.Warn("retention", "error", err.Error())
		}
		for _, d := range plan {
			if d.Erased > 0 {
				log.Info("retention: erased the text of withdrawn and hidden contributions", "procedure", d.Slug, "days", d.Days, "erased", d.Erased)
			}
		}
		t.Reset(interval)
	}
}
