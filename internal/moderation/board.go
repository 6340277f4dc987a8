package moderation

import (
	"context"
	"fmt"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// PlaceRadius is how near a named place of the procedure must be to name
// a contribution's place on a card (metres).
const PlaceRadius = 400

// Card is a contribution on the moderation board with what a moderator
// judges it by at a glance: where it is (the nearest named place, else
// its coordinates) and its open reports — on it and on its comments.
type Card struct {
	*model.Contribution
	Place   string
	Reports []store.Report
}

// Located reports whether the card's contribution has a place, and its centre.
func (c Card) Located() (orb.Point, bool) {
	if c.Geometry == nil {
		return orb.Point{}, false
	}
	return c.Geometry.Bound().Center(), true
}

// Board is a procedure's moderation page: the queues as cards, the
// contributions with open reports one card each (reports grouped with
// their contribution), and the reports on plan-variant comments, which
// have no contribution to be grouped with.
type Board struct {
	*Queues
	Waiting, Reported, Hidden []Card
	VariantReports            []store.Report
}

// Board reads a procedure's moderation page.
func (s *Service) Board(ctx context.Context, procedureID int64) (*Board, error) {
	q, err := s.Queues(ctx, procedureID)
	if err != nil {
		return nil, err
	}
	places, err := s.Store.Places(ctx, procedureID)
	if err != nil {
		return nil, err
	}
	b := &Board{Queues: q}
	card := func(c *model.Contribution) Card { return Card{Contribution: c, Place: placeOf(c, places)} }
	for _, c := range q.Waiting {
		b.Waiting = append(b.Waiting, card(c))
	}
	for _, c := range q.Hidden {
		b.Hidden = append(b.Hidden, card(c))
	}
	byID := map[string]int{}
	for _, r := range q.Reports {
		if r.Kind == "conception_comment" || r.ContributionID == "" {
			b.VariantReports = append(b.VariantReports, r)
			continue
		}
		i, ok := byID[r.ContributionID]
		if !ok {
			c, err := s.Store.Contribution(ctx, r.ContributionID)
			if err != nil {
				return nil, err
			}
			i = len(b.Reported)
			byID[r.ContributionID] = i
			b.Reported = append(b.Reported, card(c))
		}
		b.Reported[i].Reports = append(b.Reported[i].Reports, r)
	}
	return b, nil
}

// placeOf names where c is: the nearest of the procedure's named places
// within PlaceRadius, else its centre's coordinates; "" without a place.
func placeOf(c *model.Contribution, places []store.Place) string {
	if c.Geometry == nil {
		return ""
	}
	ctr := c.Geometry.Bound().Center()
	best, bestD := "", float64(PlaceRadius)
	for _, p := range places {
		if d := geo.Distance(ctr, orb.Point{p.Lon, p.Lat}); d <= bestD {
			best, bestD = p.Name, d
		}
	}
	if best != "" {
		return best
	}
	return fmt.Sprintf("%.5f, %.5f", ctr.Lat(), ctr.Lon())
}

// NearbyRadius is how far (metres) the merge picker looks for contributions
// around the one to merge.
const NearbyRadius = 200

// Candidate is a contribution the merge picker proposes as the one to
// merge into, with its distance in metres (-1 when found by title only).
type Candidate struct {
	*model.Contribution
	Distance int
}

// mergeable are the statuses a merge target may have (see store.MergeContribution).
var mergeable = []model.ContributionStatus{model.Published, model.Submitted}

// MergeCandidates proposes what contribution c may be merged into: those of
// its procedure whose title or text matches q (full-text search; none for
// an empty q), and those within NearbyRadius of its place, nearest first.
// Neither list holds c itself; each holds at most 10.
func (s *Service) MergeCandidates(ctx context.Context, c *model.Contribution, q string) (byTitle, nearby []Candidate, err error) {
	if q != "" {
		list, _, err := s.Store.Contributions(ctx, store.Filter{ProcedureID: c.ProcedureID, Query: q, Statuses: mergeable, Sort: store.SortNewest, Limit: 11})
		if err != nil {
			return nil, nil, err
		}
		for _, o := range list {
			if o.ID != c.ID && len(byTitle) < 10 {
				byTitle = append(byTitle, Candidate{Contribution: o, Distance: distance(c, o)})
			}
		}
	}
	if c.Geometry == nil {
		return byTitle, nil, nil
	}
	ctr := c.Geometry.Bound().Center()
	box := geo.NewBoundAroundPoint(ctr, NearbyRadius)
	list, _, err := s.Store.Contributions(ctx, store.Filter{ProcedureID: c.ProcedureID, BBox: &box, Statuses: mergeable, Sort: store.SortNewest, Limit: 200})
	if err != nil {
		return nil, nil, err
	}
	for _, o := range list {
		if d := distance(c, o); o.ID != c.ID && d >= 0 && d <= NearbyRadius {
			nearby = append(nearby, Candidate{Contribution: o, Distance: d})
		}
	}
	sort.SliceStable(nearby, func(i, j int) bool { return nearby[i].Distance < nearby[j].Distance })
	if len(nearby) > 10 {
		nearby = nearby[:10]
	}
	return byTitle, nearby, nil
}

// distance is the distance in metres between the centres of a and b, -1
// when one has no place.
func distance(a, b *model.Contribution) int {
	if a.Geometry == nil || b.Geometry == nil {
		return -1
	}
	return int(geo.Distance(a.Geometry.Bound().Center(), b.Geometry.Bound().Center()) + 0.5)
}
