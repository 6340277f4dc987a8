package export_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// analysisFixture is a procedure whose residents wrote about three things
// in different words, each near its own place, with a few near-duplicates.
type analysisFixture struct {
	st  *store.Store
	p   *model.Procedure
	svc *analysis.Service
	// renamed is the label a planner gave the first topic (umlauts and ß).
	renamed string
}

// topicTexts are the known topics: sentences that vary their words.
var topicTexts = [][]string{
	{"Der Radweg an der Hauptstraße ist zu schmal für Fahrräder.", "Wir brauchen einen breiten Radweg, Fahrräder haben keinen Platz.",
		"Bitte sichere Radwege bauen, das Fahrrad ist hier gefährlich.", "Fahrradfahrer brauchen mehr Platz auf dem Radweg.",
		"Ein geschützter Radweg würde Fahrräder sicherer machen."},
	{"Der Spielplatz braucht neue Schaukeln für die Kinder.", "Kinder wünschen sich einen größeren Spielplatz mit Rutsche.",
		"Auf dem Spielplatz fehlt Schatten für Kinder und Eltern.", "Eine Rutsche und Schaukeln am Spielplatz wären schön für Kinder.",
		"Der Spielplatz ist zu klein, die Kinder haben kaum Platz."},
	{"Mehr Bäume pflanzen, die Bäume spenden Schatten im Sommer.", "Alte Bäume sollen bleiben, keine Bäume fällen.",
		"Neue Bäume an der Allee würden die Luft verbessern.", "Bäume und Büsche statt Beton, bitte mehr Grün und Bäume.",
		"Die Bäume im Park brauchen Pflege und Wasser."},
}

// topicPlaces are the topics' places; each contribution sits close by.
var topicPlaces = []orb.Point{{9.92, 53.52}, {9.95, 53.55}, {9.98, 53.58}}

func newAnalysisFixture(t testing.TB) *analysisFixture {
	t.Helper()
	ctx := context.Background()
	st := openStore(t)
	p := newProcedure(t, st)
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	origins := []string{"online", "online", "table:2", "letter"}
	cats := []string{"gruen", "verkehr"}
	n := 0
	for k, texts := range topicTexts {
		for i := range 24 {
			base := texts[i%len(texts)]
			text := fmt.Sprintf("%s Anmerkung Nummer %d.", base, i)
			c := &model.Contribution{ID: uuid.NewString(), ProcedureID: p.ID, Category: cats[(k+i)%2], Title: fmt.Sprintf("Beitrag %d-%d", k, i),
				Text: text, Geometry: orb.Point{topicPlaces[k][0] + float64(i%4)*0.0004, topicPlaces[k][1] + float64(i%3)*0.0004},
				Origin: origins[i%len(origins)], Status: model.Published, CreatedAt: at.Add(time.Duration(n) * 7 * time.Hour), UpdatedAt: at}
			if i%5 == 0 {
				c.PlanningStatus = "review"
			}
			if err := st.InsertContribution(ctx, c, nil, ""); err != nil {
				t.Fatal(err)
			}
			n++
		}
	}
	p, err := st.ProcedureBySlug(ctx, p.Slug)
	if err != nil {
		t.Fatal(err)
	}
	svc := analysis.New(st)
	topics, err := svc.Topics(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(topics) < 2 {
		t.Fatalf("the corpus gave %d topics", len(topics))
	}
	f := &analysisFixture{st: st, svc: svc, renamed: "Grünzug für Fußgänger"}
	if err := svc.RenameTopic(ctx, p, topics[0].Key, f.renamed); err != nil {
		t.Fatal(err)
	}
	if f.p, err = st.ProcedureBySlug(ctx, p.Slug); err != nil {
		t.Fatal(err)
	}
	return f
}

// summary is what the outputs show.
func (f *analysisFixture) summary(t testing.TB) analysis.Summary {
	t.Helper()
	sum, err := f.svc.Summarise(context.Background(), f.p)
	if err != nil {
		t.Fatal(err)
	}
	return sum
}
