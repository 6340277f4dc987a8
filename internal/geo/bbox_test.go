package geo

import (
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestParseBBox(t *testing.T) {
	good := []struct {
		in   string
		want orb.Bound
	}{
		{"13.3,52.4,13.5,52.6", orb.Bound{Min: orb.Point{13.3, 52.4}, Max: orb.Point{13.5, 52.6}}},
		{" 13.3 , 52.4 ,13.5, 52.6 ", orb.Bound{Min: orb.Point{13.3, 52.4}, Max: orb.Point{13.5, 52.6}}},
		{"-180,-90,180,90", orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}},
		{"1,2,1,2", orb.Bound{Min: orb.Point{1, 2}, Max: orb.Point{1, 2}}},
		{"1e1,2,1.1e1,3", orb.Bound{Min: orb.Point{10, 2}, Max: orb.Point{11, 3}}},
	}
	for _, tt := range good {
		got, err := ParseBBox(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseBBox(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	bad := []string{
		"", "1,2,3", "1,2,3,4,5", "1,2,3,", ",1,2,3", "a,b,c,d", "1,2,3,x",
		"NaN,0,1,1", "0,0,Inf,1", "-Inf,0,1,1", "1e400,0,1,1",
		"-181,0,1,1", "0,0,181,1", "0,-91,1,1", "0,0,1,91",
		"2,0,1,1", "0,2,1,1", "1;2;3;4", "1 2 3 4",
		strings.Repeat("1", 300) + ",0,1,1",
	}
	for _, in := range bad {
		if _, err := ParseBBox(in); code(err) != CodeBBoxInvalid {
			t.Errorf("ParseBBox(%q) error = %v, want %s", in, err, CodeBBoxInvalid)
		}
	}
}

func FuzzParseBBox(f *testing.F) {
	for _, s := range []string{
		"", "13.3,52.4,13.5,52.6", "-180,-90,180,90", "1,2,3", "NaN,0,1,1",
		"0,0,Inf,1", "2,0,1,1", " 1 , 2 , 3 , 4 ", "1e400,0,1,1", "0x1p-2,0,1,1",
		",,,", "1,2,3,4,5",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b, err := ParseBBox(s)
		if err != nil {
			if code(err) != CodeBBoxInvalid {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		for _, v := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
			if !finite(v) {
				t.Fatalf("non-finite value in %v", b)
			}
		}
		if b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] ||
			b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90 {
			t.Fatalf("invalid bound %v from %q", b, s)
		}
		f := func(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
		again, err := ParseBBox(f(b.Min[0]) + "," + f(b.Min[1]) + "," + f(b.Max[0]) + "," + f(b.Max[1]))
		if err != nil || again != b {
			t.Fatalf("round trip of %v gave %v, %v", b, again, err)
		}
	})
}
