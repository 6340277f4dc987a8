package analysis

import (
	"fmt"
	"strings"
	"testing"
)

// checkTopics asserts the topics recovered from a corpus match the known
// ones: purity of at least 0.8, about as many topics as there are, and
// every text in a topic.
func checkTopics(t *testing.T, english bool) []Topic {
	t.Helper()
	docs, truth := corpus(500, english, 42)
	topics := ComputeTopics(docs)
	p := purity(topics, docs, truth)
	n := 0
	for _, tp := range topics {
		n += tp.Size
		t.Logf("%4d %s", tp.Size, tp.Label)
	}
	if p < 0.8 {
		t.Fatalf("purity %.2f < 0.8 with %d topics", p, len(topics))
	}
	if len(topics) < 4 || len(topics) > 8 {
		t.Fatalf("%d topics for 5 known ones", len(topics))
	}
	if n != len(docs) {
		t.Fatalf("%d of %d texts in a topic", n, len(docs))
	}
	t.Logf("purity %.3f, %d topics", p, len(topics))
	return topics
}

func TestTopicsRecoverTheKnownGermanTopics(t *testing.T) {
	topics := checkTopics(t, false)
	// Labels are display forms: nouns keep their capital.
	var labels []string
	for _, tp := range topics {
		labels = append(labels, tp.Label)
	}
	all := strings.Join(labels, " | ")
	for _, want := range []string{"Rad", "Spielpl", "Baum"} {
		if !strings.Contains(all, want) {
			t.Errorf("no topic labelled with %q: %s", want, all)
		}
	}
}

func TestTopicsRecoverTheSameTopicsInEnglish(t *testing.T) {
	checkTopics(t, true)
}

// The same texts give the same topics: the seeding is fixed.
func TestTopicsAreDeterministic(t *testing.T) {
	docs, _ := corpus(300, false, 3)
	a, b := ComputeTopics(docs), ComputeTopics(docs)
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatal("two runs on the same texts differ")
	}
}

func TestTopicsCountCategoriesOriginsRatingsAndPlace(t *testing.T) {
	docs, _ := corpus(200, false, 5)
	for i := range docs {
		docs[i].Placed = i%2 == 0
		docs[i].Centre[0], docs[i].Centre[1] = 10, 53.5
	}
	topics := ComputeTopics(docs)
	var cats, origins, up, placed int
	for _, tp := range topics {
		for _, s := range tp.Categories {
			cats += s.N
		}
		for _, s := range tp.Origins {
			origins += s.N
		}
		up += tp.Up
		placed += tp.Placed
		if tp.Placed > 0 && (tp.Centre[0] != 10 || tp.Centre[1] != 53.5) {
			t.Fatalf("centre %v", tp.Centre)
		}
	}
	wantUp := 0
	for _, d := range docs {
		wantUp += d.Up
	}
	if cats != len(docs) || origins != len(docs) || up != wantUp || placed != len(docs)/2 {
		t.Fatalf("cats %d origins %d up %d/%d placed %d", cats, origins, up, wantUp, placed)
	}
}
