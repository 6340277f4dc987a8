package analysis

import (
	"testing"

	"github.com/paulmach/orb"
)

// A hot spot names its contributions (at most maxHotMembers) and the
// category and topic most of them have.
func TestHotSpotsNameTheirTopCategoryTopicAndMembers(t *testing.T) {
	area := orb.Polygon{{{10, 53.5}, {10.024, 53.5}, {10.024, 53.51}, {10, 53.51}, {10, 53.5}}}
	var docs []*Doc
	topicOf := map[string]string{}
	var pts []orb.Point
	add := func(id, cat, topic string, at orb.Point) {
		docs = append(docs, &Doc{ID: id, Title: "T " + id, Category: cat, Centre: at, Placed: true})
		topicOf[id] = topic
		pts = append(pts, at)
	}
	nw, se := orb.Point{10.0005, 53.5095}, orb.Point{10.0235, 53.5005}
	for i := 0; i < 12; i++ {
		cat, topic := "verkehr", "rad"
		if i%3 == 0 {
			cat, topic = "gruen", "baum"
		}
		add(string(rune('a'+i)), cat, topic, nw)
	}
	add("x", "gruen", "baum", se)
	add("y", "gruen", "", se)
	h := grid(area.Bound(), pts)
	describeHot(&h, docs, topicOf)
	if len(h.Hot) != 2 {
		t.Fatalf("%d hot spots", len(h.Hot))
	}
	first, second := h.Hot[0], h.Hot[1]
	if first.Count != 12 || first.Category != "verkehr" || first.Topic != "rad" || len(first.Members) != maxHotMembers || first.Members[0].ID != "a" || first.Members[0].Title != "T a" {
		t.Fatalf("first %+v", first)
	}
	if second.Count != 2 || second.Category != "gruen" || second.Topic != "baum" || len(second.Members) != 2 {
		t.Fatalf("second %+v", second)
	}
}
