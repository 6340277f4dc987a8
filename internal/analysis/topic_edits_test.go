package analysis_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// withCorpus stores n contributions of the generated corpus as published
// contributions of the seeded procedure and returns it at its new version.
func withCorpus(t *testing.T, st *store.Store, from, n int) *model.Procedure {
	t.Helper()
	ctx := context.Background()
	docs, _ := analysis.Corpus(from+n, false, 11)
	now := time.Now()
	var cs []*model.Contribution
	for i, d := range docs[from:] {
		title, text, _ := strings.Cut(d.Text, "\n")
		at := now.Add(time.Duration(i) * time.Millisecond)
		cs = append(cs, &model.Contribution{ID: uuid.NewString(), ProcedureID: 1, Category: "gruen", Title: title, Text: text,
			Geometry: orb.Point{9.95, 53.55}, Origin: d.Origin, Status: model.Published, Up: d.Up, CreatedAt: at, UpdatedAt: at})
	}
	if err := st.InsertContributions(ctx, cs); err != nil {
		t.Fatal(err)
	}
	p, err := st.ProcedureBySlug(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func topicWith(ts []analysis.Topic, id string) *analysis.Topic {
	for i := range ts {
		for _, m := range ts[i].Members {
			if m == id {
				return &ts[i]
			}
		}
	}
	return nil
}

// A planner's name for a topic, and a merge of two, survive the
// recomputation that new contributions bring: the recomputed topic is
// found by its members.
func TestTopicRenamesAndMergesSurviveARecomputation(t *testing.T) {
	st, _ := seeded(t)
	ctx := context.Background()
	svc := analysis.New(st)
	p := withCorpus(t, st, 0, 250)
	ts, err := svc.Topics(ctx, p)
	if err != nil || len(ts) < 4 {
		t.Fatalf("%d topics, %v", len(ts), err)
	}
	first, second, third := ts[0], ts[1], ts[2]
	if err := svc.RenameTopic(ctx, p, first.Key, "Sichere Radwege"); err != nil {
		t.Fatal(err)
	}
	if err := svc.MergeTopics(ctx, p, second.Key, third.Key); err != nil {
		t.Fatal(err)
	}
	if err := svc.RenameTopic(ctx, p, "no-such-topic", "X"); err != analysis.ErrNoTopic {
		t.Fatalf("renaming a missing topic: %v", err)
	}
	if err := svc.RenameTopic(ctx, p, first.Key, "  "); err != analysis.ErrBadLabel {
		t.Fatalf("an empty name: %v", err)
	}

	p2 := withCorpus(t, st, 250, 60) // a new version: the topics are computed again
	if p2.Version == p.Version {
		t.Fatal("version did not move")
	}
	view, err := svc.Of(ctx, p2)
	if err != nil || view.Texts != 3+310 {
		t.Fatalf("recomputed %d texts, %v", view.Texts, err)
	}
	again, err := svc.Topics(ctx, p2)
	if err != nil {
		t.Fatal(err)
	}
	if len(again) != len(view.Topics)-1 {
		t.Fatalf("%d topics after the merge, computed %d", len(again), len(view.Topics))
	}
	named := topicWith(again, first.Members[0])
	if named == nil || named.Label != "Sichere Radwege" || !named.Renamed {
		t.Fatalf("the renamed topic is %+v", named)
	}
	joined := topicWith(again, second.Members[0])
	if joined == nil || joined != topicWith(again, third.Members[0]) || joined.Size < second.Size+third.Size {
		t.Fatalf("merged topics apart after recomputation: %+v", joined)
	}
	// The edit left the kept, computed topics alone.
	if topicWith(view.Topics, second.Members[0]) == topicWith(view.Topics, third.Members[0]) {
		t.Fatal("the merge changed the cached topics")
	}
}

// share is the part of ids that topic t holds.
func share(t *analysis.Topic, ids []string) float64 {
	in := map[string]bool{}
	for _, m := range t.Members {
		in[m] = true
	}
	n := 0
	for _, id := range ids {
		if in[id] {
			n++
		}
	}
	return float64(n) / float64(len(ids))
}

// A split divides a topic in two by what tells its contributions apart:
// two topics merged and split again come apart as they were, labelled by
// their own terms; the split survives a recomputation.
func TestTopicSplitSeparatesWhatWasMergedAndSurvives(t *testing.T) {
	st, _ := seeded(t)
	ctx := context.Background()
	svc := analysis.New(st)
	p := withCorpus(t, st, 0, 250)
	ts, err := svc.Topics(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	a, b := ts[0], ts[1]
	if err := svc.MergeTopics(ctx, p, a.Key, b.Key); err != nil {
		t.Fatal(err)
	}
	merged, _ := svc.Topics(ctx, p)
	m := topicWith(merged, a.Members[0])
	if err := svc.SplitTopic(ctx, p, m.Key); err != nil {
		t.Fatal(err)
	}
	check := func(ts []analysis.Topic, when string) {
		t.Helper()
		if len(ts) != len(merged)+1 {
			t.Fatalf("%s: %d topics, %d before the split", when, len(ts), len(merged))
		}
		ha, hb := topicWith(ts, a.Members[0]), topicWith(ts, b.Members[0])
		if ha == nil || hb == nil || ha == hb || share(ha, a.Members) < 0.8 || share(hb, b.Members) < 0.8 {
			t.Fatalf("%s: the halves do not match the merged topics", when)
		}
		if len(ha.Terms) == 0 || ha.Label == "" || ha.Label == hb.Label {
			t.Fatalf("%s: labels %q and %q", when, ha.Label, hb.Label)
		}
	}
	split, _ := svc.Topics(ctx, p)
	check(split, "after the split")
	if err := svc.SplitTopic(ctx, p, "no-such-topic"); err != analysis.ErrNoTopic {
		t.Fatalf("splitting a missing topic: %v", err)
	}
	p2 := withCorpus(t, st, 250, 40)
	again, err := svc.Topics(ctx, p2)
	if err != nil {
		t.Fatal(err)
	}
	check(again, "after a recomputation")
}
