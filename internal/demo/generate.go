package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

var (
	subjects = []string{"Radweg", "Zebrastreifen", "Bank", "Baumreihe", "Spielplatz", "Beleuchtung", "Fahrradbügel",
		"Trinkbrunnen", "Grünfläche", "Bushaltestelle", "Gehweg", "Hundewiese", "Sitzstufen", "Blühwiese", "Tempo 30"}
	wishes = []string{"fehlt hier", "wäre hier gut", "sollte breiter werden", "ist zu dunkel", "bitte erhalten",
		"ist gefährlich", "wird dringend gebraucht", "sollte barrierefrei sein"}
	reasons = []string{
		"Morgens fahren hier viele Kinder zur Schule und die Situation ist unübersichtlich.",
		"Abends fühlt man sich hier unsicher, weil es kaum Licht gibt.",
		"Im Sommer fehlt Schatten, ältere Menschen können sich nirgends ausruhen.",
		"Die Autos parken oft auf dem Gehweg, mit Kinderwagen kommt man nicht durch.",
		"Hier treffen sich viele Menschen aus dem Quartier, mehr Aufenthaltsqualität wäre schön.",
		"Der Lärm von der Straße ist sehr stark, eine Bepflanzung würde helfen.",
		"Die Fläche wird kaum genutzt und könnte ein Treffpunkt für alle werden.",
	}
	names = []string{"", "", "", "Anwohnerin", "Radler aus Ottensen", "Familie K.", "Jan", "M. Petersen", "Nachbarschaftsinitiative"}
)

// Generate stores n synthetic contributions inside the procedure's area
// (points, lines and polygons in realistic shares), in batches; progress is
// called after every batch with the number stored so far.
func Generate(ctx context.Context, st *store.Store, p *model.Procedure, n int, seed uint64, progress func(done int)) error {
	if len(p.Categories) == 0 {
		return fmt.Errorf("demo: procedure %s has no categories", p.Slug)
	}
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	area := p.Area
	var bound orb.Bound
	if area != nil {
		bound = area.Bound()
	} else {
		c := orb.Point{p.Map.Center[0], p.Map.Center[1]}
		bound = orb.Bound{Min: orb.Point{c[0] - 0.01, c[1] - 0.006}, Max: orb.Point{c[0] + 0.01, c[1] + 0.006}}
	}
	inside := func(pt orb.Point) bool { return area == nil || planar.PolygonContains(area, pt) }
	randPoint := func() orb.Point {
		for {
			pt := orb.Point{bound.Min[0] + r.Float64()*(bound.Max[0]-bound.Min[0]), bound.Min[1] + r.Float64()*(bound.Max[1]-bound.Min[1])}
			if inside(pt) {
				return pt
			}
		}
	}
	near := func(c orb.Point, metres float64) orb.Point {
		for i := 0; i < 20; i++ {
			a := r.Float64() * 2 * math.Pi
			d := metres * (0.3 + 0.7*r.Float64())
			pt := orb.Point{c[0] + d*math.Cos(a)/(111320*math.Cos(c[1]*math.Pi/180)), c[1] + d*math.Sin(a)/110540}
			if inside(pt) {
				return pt
			}
		}
		return c
	}
	now := time.Now().UTC()
	const batch = 1000
	done := 0
	for done < n {
		size := min(batch, n-done)
		cs := make([]*model.Contribution, 0, size)
		for i := 0; i < size; i++ {
			var g orb.Geometry
			c := randPoint()
			switch k := r.IntN(100); {
			case k < 75:
				g = c
			case k < 88:
				ls := orb.LineString{c}
				for j := 0; j < 1+r.IntN(3); j++ {
					ls = append(ls, near(ls[len(ls)-1], 80))
				}
				g = ls
			case k < 96:
				// A small convex polygon around c: vertices at increasing angles.
				// Near the area's edge it shrinks until every vertex lies
				// inside, so generated data passes the same checks as input.
				m := 4 + r.IntN(3)
				ds := make([]float64, m)
				for j := range ds {
					ds[j] = 20 + r.Float64()*30
				}
				var ring orb.Ring
				for scale := 1.0; ; scale /= 2 {
					ring = ring[:0]
					ok := true
					for j := 0; j < m; j++ {
						a := 2 * math.Pi * float64(j) / float64(m)
						d := ds[j] * scale
						pt := orb.Point{c[0] + d*math.Cos(a)/(111320*math.Cos(c[1]*math.Pi/180)), c[1] + d*math.Sin(a)/110540}
						ok = ok && inside(pt)
						ring = append(ring, pt)
					}
					if ok || scale < 0.1 {
						break
					}
				}
				ring = append(ring, ring[0])
				g = orb.Polygon{ring}
			default:
				g = nil
			}
			cat := p.Categories[r.IntN(len(p.Categories))]
			typ := ""
			if len(p.Types) > 0 {
				typ = p.Types[r.IntN(len(p.Types))].Key
			}
			subj := subjects[r.IntN(len(subjects))]
			created := now.Add(-time.Duration(r.Float64() * float64(14*24*time.Hour)))
			origin := "online"
			if r.IntN(10) == 0 {
				origin = fmt.Sprintf("table:%d", 1+r.IntN(4))
			}
			cs = append(cs, &model.Contribution{
				ID: uuid.NewString(), ProcedureID: p.ID, Category: cat.Key, Type: typ,
				Title:    subj + " " + wishes[r.IntN(len(wishes))],
				Text:     reasons[r.IntN(len(reasons))] + " " + reasons[r.IntN(len(reasons))],
				Geometry: g, AuthorName: names[r.IntN(len(names))], Origin: origin,
				Status: model.Published, Up: 0, CreatedAt: created, UpdatedAt: created,
			})
		}
		if err := st.InsertContributions(ctx, cs); err != nil {
			return err
		}
		done += size
		if progress != nil {
			progress(done)
		}
	}
	return nil
}
