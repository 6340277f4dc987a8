package geo

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

func TestDecodeStoredMatchesTheGeneralDecoder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pt := func() orb.Point { return orb.Point{r.Float64()*360 - 180, r.Float64()*180 - 90} }
	var inputs [][]byte
	for i := 0; i < 300; i++ {
		var g orb.Geometry
		switch i % 3 {
		case 0:
			g = pt()
		case 1:
			g = orb.LineString{pt(), pt(), pt()}
		case 2:
			a, b, c := pt(), pt(), pt()
			g = orb.Polygon{{a, b, c, a}}
		}
		raw, err := geojson.NewGeometry(g).MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		inputs = append(inputs, raw)
	}
	inputs = append(inputs, []byte(`{"type":"Point","coordinates":[1e-7,-0]}`), []byte(`{"type":"Point","coordinates":[1,2,3]}`),
		[]byte(`{"coordinates":[1,2],"type":"Point"}`), []byte(`{"type":"MultiPoint","coordinates":[[1,2]]}`),
		[]byte(`{"type":"Point","coordinates":[1,2],"bbox":[1,2,1,2]}`))
	for _, raw := range inputs {
		want, err := geojson.UnmarshalGeometry(raw)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeStored(raw)
		if err != nil || !reflect.DeepEqual(got, want.Geometry()) {
			t.Fatalf("%s: got %v (%v), want %v", raw, got, err, want.Geometry())
		}
	}
	for _, bad := range []string{`{"type":"Point","coordinates":[1]}`, `{"type":"Point","coordinates":[1,2,3,4]}`, `{"type":"Point","coordinates":[a,b]}`, `{"type":"Point"`} {
		if _, ok := decodeFast([]byte(bad)); ok {
			t.Fatalf("fast path accepted %s", bad)
		}
	}
	if g, err := DecodeStored([]byte("null")); g != nil || err != nil {
		t.Fatal("null")
	}
}

func BenchmarkDecodeStored(b *testing.B) {
	raw := []byte(`{"type":"Polygon","coordinates":[[[9.9433878,53.5590343],[9.942757,53.5593715],[9.9421003,53.5590343],[9.942757,53.5587116],[9.9433878,53.5590343]]]}`)
	b.Run("fast", func(b *testing.B) {
		for b.Loop() {
			DecodeStored(raw)
		}
	})
	b.Run("general", func(b *testing.B) {
		for b.Loop() {
			geojson.UnmarshalGeometry(raw)
		}
	})
}
