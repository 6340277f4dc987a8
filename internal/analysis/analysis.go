package analysis

import (
	"context"
	"sort"
	"sync"

	"github.com/mitreden/mitreden/internal/cache"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Store is what the analyses read. The SQLite store satisfies it; another
// store only has to answer these questions.
type Store interface {
	// StreamContributions calls fn for every contribution a planner's
	// export holds (all but withdrawn ones).
	StreamContributions(ctx context.Context, procedureID int64, opt store.ExportOptions, fn func(*store.ExportRow) error) error
	// TileClusters counts published contributions per map tile at zoom z.
	TileClusters(ctx context.Context, procedureID int64, b orb.Bound, z int) ([]store.Cluster, int, error)
	// CountBy counts published contributions grouped by a column.
	CountBy(ctx context.Context, procedureID int64, column string) ([]store.Count, error)
	Contributions(ctx context.Context, f store.Filter) ([]*model.Contribution, string, error)
	ResponsesByContribution(ctx context.Context, procedureID int64) (map[string][]model.Response, error)
	// TopicEdits and AddTopicEdit keep the planners' edits of the topics.
	TopicEdits(ctx context.Context, procedureID int64) ([]store.TopicEdit, error)
	AddTopicEdit(ctx context.Context, procedureID int64, e *store.TopicEdit) error
	Appointments(ctx context.Context, procedureID int64) ([]model.Appointment, error)
	// AddKeyword and Keywords keep the planners' keywords of contributions.
	AddKeyword(ctx context.Context, procedureID int64, ids []string, keyword string) (int, error)
	Keywords(ctx context.Context, procedureID int64) (map[string][]string, error)
	// SubAreas lists the sub-areas planners drew.
	SubAreas(ctx context.Context, procedureID int64) ([]model.SubArea, error)
	// StatusCounts counts a procedure's contributions per status.
	StatusCounts(ctx context.Context, procedureID int64) (map[model.ContributionStatus]int, error)
}

// Service computes the planners' analysis and report of a procedure. It
// keeps the analysis of each procedure version in the program's one cache
// type, at most maxCached of them, computed once however many ask.
type Service struct {
	st    Store
	views *cache.Cache[View]
	pairs *cache.Cache[[]Pair]

	mu   sync.Mutex
	last map[int64]View // each procedure's newest computed view
	// background is from how many texts the next version's analysis runs
	// in the background (see Of).
	background int
	sim        similarState // the indexes of Similar
	refresh    refresher    // the background computations of both
}

// BackgroundTexts is from how many published contributions a procedure's
// next analysis is computed in the background: until the new one is there,
// the analysis page shows the previous one, marked as such. Below it the
// computation takes a few tenths of a second at most and is waited for
// (at 100,000 about one second of CPU, docs/benchmarks.md). A count, not a
// measured time, so the same procedure behaves the same on a busy machine.
const BackgroundTexts = 10_000

// SetBackgroundTexts changes BackgroundTexts for this service (tests use a
// small number to see the background paths with few texts).
func (s *Service) SetBackgroundTexts(n int) { s.background = n }

// Computing reports whether p's analysis has to be computed first and is
// too large to be waited for: no analysis of p was computed since the
// program started (a restart, or the first visit) and p holds
// BackgroundTexts or more published contributions. It then starts the
// whole summary in the background (once) and the page says it is being
// computed instead of keeping the planner waiting for seconds; until the
// summary is complete it keeps answering true. Once an analysis of p is
// there, later versions are answered stale meanwhile (Of) and this is
// false.
func (s *Service) Computing(ctx context.Context, p *model.Procedure) (bool, error) {
	if s.refresh.running(p.ID, "summary") {
		return true, nil
	}
	s.mu.Lock()
	_, ok := s.last[p.ID]
	s.mu.Unlock()
	if ok {
		return false, nil
	}
	if _, ok := s.views.Get(cache.Key{Procedure: p.ID, Version: p.Version, Name: "analysis"}); ok {
		return false, nil
	}
	counts, err := s.st.StatusCounts(ctx, p.ID)
	if err != nil || counts[model.Published] < s.background {
		return false, err
	}
	pc := *p // the caller's procedure may be shared; the run keeps its own
	s.refresh.start(p.ID, "summary", func() {
		_, _ = s.Summarise(context.WithoutCancel(ctx), &pc) // a failure shows when the page asks again
	})
	return true, nil
}

// maxCached is how many procedures' near-duplicate lists are kept at once.
const maxCached = 64

// viewBudget is how many MB of analyses the cache keeps across procedures
// and versions; one larger than a sixteenth of it (a procedure of some
// 100,000 contributions) is not cached but kept as its procedure's newest
// analysis only (Service.last), so a large procedure whose version moves
// on holds one analysis, not one per version.
const viewBudget = 192

// viewCost estimates a view's memory in MB (at least 1): the kept
// contributions and the topics' lists of members.
func viewCost(v View) int {
	bytes := len(v.docs) * 160
	if v.dup != nil {
		bytes += len(v.dup.texts) * 64
	}
	for _, t := range v.Topics {
		bytes += len(t.Members) * 32
	}
	return 1 + bytes>>20
}

// New returns a service reading from st.
func New(st Store) *Service {
	return &Service{st: st, views: cache.New[View](viewBudget, viewCost), pairs: cache.New[[]Pair](maxCached, nil),
		last: map[int64]View{}, background: BackgroundTexts}
}

// View is what the analysis page shows; it is computed once per procedure
// version.
type View struct {
	Version int64 // the procedure version it was computed for
	// Stale marks the analysis of an earlier version, answered while the
	// current one is computed in the background.
	Stale    bool
	Words    []WordCount
	HotSpots []store.Cluster
	Texts    int
	// Topics are the computed topics, without the planners' edits (see
	// Service.Topics).
	Topics   []Topic
	Timeline Timeline
	docs     []Doc // the published contributions, without their texts (for Heat)
	// dup is the near-duplicates' candidates, read with the view and
	// handed to Duplicates once (nil when it had run before).
	dup *viewTexts
}

// Of returns the words residents use most in published contributions and the places where
// contributions gather (tiles of about 150 m), computed once per version.
//
// A planner's page must not wait for a long computation: when the previous
// version's analysis read BackgroundTexts or more, the new one is computed
// in the background and the previous one is answered, marked Stale, until
// it is there (one computation at a time, spaced: see refresher). Smaller
// analyses are waited for.
func (s *Service) Of(ctx context.Context, p *model.Procedure) (View, error) {
	key := cache.Key{Procedure: p.ID, Version: p.Version, Name: "analysis"}
	s.mu.Lock()
	last, ok := s.last[p.ID]
	s.mu.Unlock()
	if ok && last.Version == p.Version {
		return last, nil
	}
	if v, ok := s.views.Get(key); ok {
		return v, nil
	}
	compute := func(ctx context.Context) (View, error) {
		v, err := s.compute(ctx, p)
		if err == nil {
			s.mu.Lock()
			if cur, ok := s.last[p.ID]; !ok || cur.Version <= v.Version {
				s.last[p.ID] = v
			}
			s.mu.Unlock()
		}
		return v, err
	}
	if ok && last.Texts >= s.background && last.Version < p.Version {
		s.refresh.start(p.ID, "analysis", func() {
			_, _ = s.views.Do(context.WithoutCancel(ctx), key, compute) // a failure shows on the next call
		})
		last.Stale = true
		return last, nil
	}
	return s.views.Do(ctx, key, compute)
}

func (s *Service) compute(ctx context.Context, p *model.Procedure) (View, error) {
	words := NewWords()
	var docs []Doc
	tl := newTimeline()
	// The near-duplicates read the same rows: unless they are there for
	// this version already, their candidates are kept with the view.
	var dup *viewTexts
	var sh *shingler
	if _, done := s.pairs.Get(cache.Key{Procedure: p.ID, Version: p.Version, Name: "duplicates"}); !done {
		dup, sh = &viewTexts{}, newShingler()
	}
	err := s.st.StreamContributions(ctx, p.ID, store.ExportOptions{All: true}, func(r *store.ExportRow) error {
		c := r.Contribution
		text := c.Title + "\n" + c.Text
		if dup != nil {
			if t, ok := sh.candidate(c, text); ok {
				dup.texts = append(dup.texts, t)
			}
		}
		if c.Status != model.Published {
			return nil
		}
		tl.add("contributions|"+c.Origin, c.CreatedAt)
		for _, m := range r.Comments {
			if m.Status == model.Published {
				tl.add("comments|", m.CreatedAt)
			}
		}
		for _, v := range r.Ratings {
			tl.add("ratings|", v.CreatedAt)
		}
		d := Doc{ID: c.ID, Title: c.Title, Category: c.Category, Origin: c.Origin, Up: c.Up, Down: c.Down}
		if c.Geometry != nil {
			d.Centre, d.Placed = c.Geometry.Bound().Center(), true
			d.Centroid, _ = planar.CentroidArea(c.Geometry)
		}
		words.Add(text)
		docs = append(docs, d)
		return nil
	})
	if err != nil {
		return View{}, err
	}
	appointments, err := s.st.Appointments(ctx, p.ID)
	if err != nil {
		return View{}, err
	}
	view := View{Version: p.Version, Words: words.Top(30), Texts: len(docs), Topics: topicsOf(words, docs),
		Timeline: tl.build(p.Phases, appointments), docs: docs, dup: dup}
	b := orb.Bound{Min: orb.Point{-180, -85}, Max: orb.Point{180, 85}}
	if p.Area != nil {
		b = p.Area.Bound()
	}
	cells, _, err := s.st.TileClusters(ctx, p.ID, b, 17)
	if err != nil {
		return view, err
	}
	sort.Slice(cells, func(i, j int) bool { return cells[i].Count > cells[j].Count })
	view.HotSpots = cells[:min(10, len(cells))]
	return view, nil
}

// words counts the words of the procedure's published contributions, the
// one rule for what the analysis and the report read: planners analyse
// what residents published, not what waits for moderation or was hidden.
// (Tile counts and CountBy count published contributions too.)
func (s *Service) words(ctx context.Context, p *model.Procedure) (*Words, int, error) {
	words := NewWords()
	n := 0
	err := s.st.StreamContributions(ctx, p.ID, store.ExportOptions{}, func(r *store.ExportRow) error {
		if r.Contribution.Status == model.Published {
			words.Add(r.Contribution.Title + "\n" + r.Contribution.Text)
			n++
		}
		return nil
	})
	return words, n, err
}

// Summary is everything the analysis page and the analysis API show: the
// view, the topics with the planners' edits, the keywords planners gave
// and the near-duplicate pairs.
type Summary struct {
	View       View
	Topics     []Topic
	Keywords   []Keyword
	Duplicates []Pair
	SubAreas   SubAreaCounts
}

// Summarise gathers the Summary of procedure p (each part computed once per
// procedure version).
func (s *Service) Summarise(ctx context.Context, p *model.Procedure) (Summary, error) {
	var out Summary
	var err error
	if out.View, err = s.Of(ctx, p); err != nil {
		return out, err
	}
	if out.Topics, err = s.Topics(ctx, p); err != nil {
		return out, err
	}
	if _, out.Keywords, err = s.Keywords(ctx, p); err != nil {
		return out, err
	}
	if out.Duplicates, err = s.Duplicates(ctx, p); err != nil {
		return out, err
	}
	out.SubAreas, err = s.SubAreas(ctx, p)
	return out, err
}
