package ogcapi

import (
	"errors"
	"net/url"
	"testing"
	"time"
)

func TestParseItems(t *testing.T) {
	f, err := ParseItems(7, url.Values{})
	if err != nil || f.ProcedureID != 7 || f.Limit != DefaultLimit || f.BBox != nil || f.CreatedFrom != nil {
		t.Fatalf("defaults: %+v %v", f, err)
	}
	f, err = ParseItems(7, url.Values{"limit": {"50000"}, "bbox": {"9.9,53.5,0,10,53.6,100"}, "datetime": {"2026-11-01T00:00:00Z/.."}, "f": {"json"}})
	if err != nil || f.Limit != MaxLimit || f.BBox.Max[0] != 10 || f.BBox.Max[1] != 53.6 || f.CreatedFrom.Day() != 1 || f.CreatedTo != nil {
		t.Fatalf("full: %+v %v", f, err)
	}
	for _, q := range []url.Values{
		{"limit": {"0"}}, {"limit": {"x"}}, {"limit": {"-1"}}, {"bbox": {"1,2,3"}}, {"bbox": {"1,2,3,NaN"}},
		{"bbox": {"10,53,9,54"}}, {"bbox": {"-181,0,0,1"}}, {"bbox": {"0,50,1,40"}}, {"datetime": {"gestern"}},
		{"datetime": {"2026-11-02T00:00:00Z/2026-11-01T00:00:00Z"}}, {"datetime": {"../.."}}, {"datetime": {"/"}},
		{"sortby": {"title"}}, {"limit": {"1", "2"}}, {"f": {"html"}}, {"bbox-crs": {"EPSG:4326"}},
	} {
		if _, err := ParseItems(7, q); !errors.Is(err, ErrQuery) {
			t.Errorf("%v accepted: %v", q, err)
		}
	}
}

func TestParseDatetime(t *testing.T) {
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	from, to, err := ParseDatetime("2026-11-20T10:00:00Z")
	if err != nil || !from.Equal(at) || !to.Equal(at) {
		t.Fatalf("instant: %v %v %v", from, to, err)
	}
	from, to, err = ParseDatetime("2026-11-20")
	if err != nil || from.Day() != 20 || to.Day() != 20 || to.Hour() != 23 {
		t.Fatalf("day: %v %v %v", from, to, err)
	}
	from, to, err = ParseDatetime("../2026-11-20T10:00:00Z")
	if err != nil || from != nil || !to.Equal(at) {
		t.Fatalf("open start: %v %v %v", from, to, err)
	}
}
