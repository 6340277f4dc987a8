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

// ErrCannotSplit is returned for a topic too small or too uniform to split.
var ErrCannotSplit = errors.New("analysis: the topic cannot be split")

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
	return ApplyEdits(view.Topics, edits, view.docs), nil
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

// SplitTopic splits the topic with the key in two: its contributions are
// clustered again, into two, over the terms that tell them apart (the
// terms most of them share are left out by the TF-IDF rules).
func (s *Service) SplitTopic(ctx context.Context, p *model.Procedure, key string) error {
	ts, err := s.Topics(ctx, p)
	if err != nil {
		return err
	}
	t := find(ts, key)
	if t == nil {
		return ErrNoTopic
	}
	if t.Size < 4 {
		return ErrCannotSplit
	}
	in := make(map[string]bool, len(t.Members))
	for _, id := range t.Members {
		in[id] = true
	}
	words := NewWords()
	var docs []Doc
	err = s.st.StreamContributions(ctx, p.ID, store.ExportOptions{}, func(r *store.ExportRow) error {
		if c := r.Contribution; c.Status == model.Published && in[c.ID] {
			words.Add(c.Title + "\n" + c.Text)
			docs = append(docs, Doc{ID: c.ID})
		}
		return nil
	})
	if err != nil {
		return err
	}
	halves := topicsK(words, docs, 2)
	if len(halves) < 2 {
		return ErrCannotSplit
	}
	return s.st.AddTopicEdit(ctx, p.ID, &store.TopicEdit{Kind: "split", Members: halves[0].Members, Other: halves[1].Members,
		Label: strings.Join(halves[0].Terms, "\t") + "\n" + strings.Join(halves[1].Terms, "\t")})
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
// docs are the contributions the topics were computed from: a split counts
// its halves again.
func ApplyEdits(ts []Topic, edits []store.TopicEdit, docs []Doc) []Topic {
	out := append([]Topic(nil), ts...)
	var index map[string]*Doc
	for _, e := range edits {
		members := e.Members
		if e.Kind == "split" { // a split names its topic by both halves
			members = append(append([]string(nil), e.Members...), e.Other...)
		}
		i := match(out, members, -1)
		if i < 0 {
			continue
		}
		switch e.Kind {
		case "split":
			if index == nil {
				index = make(map[string]*Doc, len(docs))
				for k := range docs {
					index[docs[k].ID] = &docs[k]
				}
			}
			if a, b, ok := split(out[i], e, index); ok {
				out[i] = a
				out = append(out, b)
			}
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

// split divides a topic as the edit did: the members of the edit's second
// half go to a new topic, all others (new ones too) stay.
func split(t Topic, e store.TopicEdit, index map[string]*Doc) (Topic, Topic, bool) {
	second := make(map[string]bool, len(e.Other))
	for _, id := range e.Other {
		second[id] = true
	}
	var a, b topicAcc
	for _, id := range t.Members {
		d := index[id]
		switch {
		case d == nil:
		case second[id]:
			b.add(d)
		default:
			a.add(d)
		}
	}
	if a.t.Members == nil || b.t.Members == nil {
		return Topic{}, Topic{}, false
	}
	termsA, termsB, _ := strings.Cut(e.Label, "\n")
	return a.done(fields(termsA)), b.done(fields(termsB)), true
}

func fields(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\t")
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
