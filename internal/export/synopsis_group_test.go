package export_test

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mitreden/mitreden/internal/export"
)

func TestSynopsisGroupedByTopicListsEachTopicTogether(t *testing.T) {
	f := newAnalysisFixture(t)
	sum := f.summary(t)
	opt := localised(t, "de")
	opt.Group = export.TopicGroups(sum.Topics, "Ohne Thema")
	var buf bytes.Buffer
	if err := export.Write(context.Background(), f.st, export.Synopsis, f.p, &buf, opt); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 72+1 || rows[0][1] != "Thema" || rows[0][3] != "Titel" {
		t.Fatalf("%d rows, heading %q", len(rows), rows[0])
	}
	// the rows come topic by topic, in the topics' order, numbered anew,
	// each under its topic's label
	titles := map[string]string{}
	for _, tp := range sum.Topics {
		for _, title := range tp.Titles {
			titles[title] = tp.Label
		}
	}
	var order []string
	for i, r := range rows[1:] {
		if r[0] != strconv.Itoa(i+1) {
			t.Fatalf("row %d numbered %q", i+1, r[0])
		}
		if want, ok := titles[r[3]]; ok && r[1] != want {
			t.Fatalf("%q under %q, its topic is %q", r[3], r[1], want)
		}
		if len(order) == 0 || order[len(order)-1] != r[1] {
			order = append(order, r[1])
		}
	}
	if len(order) != len(sum.Topics) || order[0] != f.renamed {
		t.Fatalf("groups in the order %q, topics %d", order, len(sum.Topics))
	}
	// without the option the synopsis is as before: no topic column
	plain := write(t, &fixture{st: f.st, p: f.p}, export.Synopsis, localised(t, "de"))
	x, _ = excelize.OpenReader(bytes.NewReader(plain))
	rows, _ = x.GetRows(x.GetSheetName(0))
	if rows[0][1] != "Kategorie" {
		t.Fatalf("plain synopsis heading %q", rows[0])
	}
}
