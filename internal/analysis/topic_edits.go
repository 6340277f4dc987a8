package analysis

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Planners' edits of the topics. Topics are recomputed for every procedure
// version, so an edit cannot name a topic by a number: it names it by the
// contributions the topic held when the planner made the edit. A recomputed
// topic takes the edit when it shares at least EditMatch of them (Jaccard:
// common members over all members of both); of several, the one sharing
// most. Edits apply oldest first, each to the topics the earlier ones left,
// so renaming a merged topic names the merged one.

// EditMatch is the least Jaccard similarity of a topic's members and an
// edit's for the edit to apply.
const EditMatch = 0.5

// MaxTopicLabel is the longest name a planner may give a topic, in letters.
const MaxTopicLabel = 120

// ErrNoTopic is returned for an edit of a topic that is not (or no more) there.
var ErrNoTopic = errors.New("analysis: no such topic")

// ErrBadLabel is returned for an empty or too long topic name.
var ErrBadLabel = errors.New("analysis: a topic name must have 1 to 120 letters")

// Topics returns the procedure's topics with the planners' edits applied.
func (s *Service) Topics(ctx context.Context, p *model.Procedure) ([]Topic, error) {
	view, err := s.Of(ctx, p)
	if err != nil {
		return nil, err
	}
	edits, err := s.st.TopicEdits(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	return ApplyEdits(view.Topics, edits), nil
}

// RenameTopic names the topic with the key.
func (s *Service) RenameTopic(ctx context.Context, p *model.Procedure, key, label string) error {
	label = strings.TrimSpace(label)
	if label == "" || utf8.RuneCountInString(label) > MaxTopicLabel {
		return ErrBadLabel
	}
	ts, err := s.Topics(ctx, p)
	if err != nil {
		return err
	}
	t := find(ts, key)
	if t == nil {
		return ErrNoTopic
	}
	return s.st.AddTopicEdit(ctx, p.ID, &store.TopicEdit{Kind: "rename", Label: label, Members: t.Members})
}

// MergeTopics merges the topic other into the topic key; the merged topic
// keeps key's name.
func (s *Service) MergeTopics(ctx context.Context, p *model.Procedure, key, other string) error {
	ts, err := s.Topics(ctx, p)
	if err != nil {
		return err
	}
	a, b := find(ts, key), find(ts, other)
	if a == nil || b == nil || a.Key == b.Key {
		return ErrNoTopic
	}
	return s.st.AddTopicEdit(ctx, p.ID, &store.TopicEdit{Kind: "merge", Members: a.Members, Other: b.Members})
}

// FindTopic returns the topic with the key, nil when there is none.
func FindTopic(ts []Topic, key string) *Topic { return find(ts, key) }

func find(ts []Topic, key string) *Topic {
	for i := range ts {
		if ts[i].Key == key {
			return &ts[i]
		}
	}
	return nil
}

// ApplyEdits returns the topics with the edits applied; ts is not changed.
func ApplyEdits(ts []Topic, edits []store.TopicEdit) []Topic {
	out := append([]Topic(nil), ts...)
	for _, e := range edits {
		i := match(out, e.Members, -1)
		if i < 0 {
			continue
		}
		switch e.Kind {
		case "rename":
			out[i].Label, out[i].Renamed = e.Label, true
		case "merge":
			j := match(out, e.Other, i)
			if j < 0 {
				continue
			}
			out[i] = merged(out[i], out[j])
			out = append(out[:j], out[j+1:]...)
		}
	}
	sortTopics(out)
	return out
}

// match returns the topic sharing most members with the edit's, at least
// EditMatch of them, leaving out topic skip; -1 for none.
func match(ts []Topic, members []string, skip int) int {
	set := make(map[string]bool, len(members))
	for _, m := range members {
		set[m] = true
	}
	best, bestScore := -1, 0.0
	for i := range ts {
		if i == skip {
			continue
		}
		common := 0
		for _, m := range ts[i].Members {
			if set[m] {
				common++
			}
		}
		union := len(set) + len(ts[i].Members) - common
		if union == 0 {
			continue
		}
		if score := float64(common) / float64(union); score >= EditMatch && score > bestScore {
			best, bestScore = i, score
		}
	}
	return best
}

// merged joins topic b into a: a's name, both members, counts and places.
func merged(a, b Topic) Topic {
	t := a
	t.Members = append(append(make([]string, 0, len(a.Members)+len(b.Members)), a.Members...), b.Members...)
	t.Titles = append(append(make([]string, 0, len(t.Members)), a.Titles...), b.Titles...)
	t.Size = len(t.Members)
	if b.Key < t.Key {
		t.Key = b.Key
	}
	t.Up, t.Down = a.Up+b.Up, a.Down+b.Down
	t.Placed = a.Placed + b.Placed
	if t.Placed > 0 {
		wa, wb := float64(a.Placed), float64(b.Placed)
		t.Centre = orb.Point{(a.Centre[0]*wa + b.Centre[0]*wb) / float64(t.Placed), (a.Centre[1]*wa + b.Centre[1]*wb) / float64(t.Placed)}
	}
	t.Categories, t.Origins = addShares(a.Categories, b.Categories), addShares(a.Origins, b.Origins)
	t.Terms = nil
	for i := 0; i < max(len(a.Terms), len(b.Terms)) && len(t.Terms) < topTerms; i++ {
		for _, ts := range [][]string{a.Terms, b.Terms} {
			if i < len(ts) && len(t.Terms) < topTerms {
				t.Terms = append(t.Terms, ts[i])
			}
		}
	}
	return t
}

func addShares(a, b []Share) []Share {
	m := map[string]int{}
	for _, s := range a {
		m[s.Key] += s.N
	}
	for _, s := range b {
		m[s.Key] += s.N
	}
	return shares(m)
}
