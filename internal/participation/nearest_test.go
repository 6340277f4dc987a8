package participation

import (
	"testing"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/store"
)

func TestNearestPlaceWithinTheRadiusOnly(t *testing.T) {
	places := []store.Place{
		{Name: "Bahnhof Altona", Lon: 9.9347, Lat: 53.5521},
		{Name: "Goetheplatz", Lon: 9.933, Lat: 53.5512},
	}
	pl, d, ok := NearestPlace(places, orb.Point{9.9331, 53.5513}, NearRadius)
	if !ok || pl.Name != "Goetheplatz" || d > 20 {
		t.Fatalf("next to Goetheplatz: %v %.0f m %v", pl.Name, d, ok)
	}
	// about 0.0060° of latitude north of the station: ~670 m
	if pl, d, ok := NearestPlace(places, orb.Point{9.9347, 53.5581}, NearRadius); ok {
		t.Fatalf("a place %.0f m away named: %s", d, pl.Name)
	}
	if _, _, ok := NearestPlace(nil, orb.Point{9.9347, 53.5521}, NearRadius); ok {
		t.Fatal("a place named without places")
	}
}
