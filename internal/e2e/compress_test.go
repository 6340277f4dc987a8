package e2e

import (
	"context"
	"net/url"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// transfers records what a page loads from one origin: bytes on the wire
// (headers and encoded body) per request, as Chromium counts them.
type transfers struct {
	mu       sync.Mutex
	origin   string
	urls     map[network.RequestID]string
	coding   map[network.RequestID]string
	bytes    map[network.RequestID]float64
	open     map[network.RequestID]bool
	external int
}

func (tr *transfers) listen(ev any) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		u, err := url.Parse(e.Request.URL)
		if err != nil || u.Scheme+"://"+u.Host != tr.origin {
			// Tiles come from the tile server's origin: not ours.
			tr.external++
			return
		}
		tr.urls[e.RequestID] = strings.TrimPrefix(e.Request.URL, tr.origin)
		if e.Type != network.ResourceTypeEventSource {
			tr.open[e.RequestID] = true
		}
	case *network.EventResponseReceived:
		if _, ok := tr.urls[e.RequestID]; ok {
			tr.bytes[e.RequestID] = e.Response.EncodedDataLength
			for k, v := range e.Response.Headers {
				if strings.EqualFold(k, "Content-Encoding") {
					tr.coding[e.RequestID], _ = v.(string)
				}
			}
		}
	case *network.EventDataReceived:
		if _, ok := tr.urls[e.RequestID]; ok && !tr.open[e.RequestID] {
			// The event stream never finishes: count what arrived.
			tr.bytes[e.RequestID] += float64(e.EncodedDataLength)
		}
	case *network.EventLoadingFinished:
		if _, ok := tr.urls[e.RequestID]; ok {
			tr.bytes[e.RequestID] = e.EncodedDataLength
			delete(tr.open, e.RequestID)
		}
	case *network.EventLoadingFailed:
		delete(tr.open, e.RequestID)
	}
}

func (tr *transfers) pending() int {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return len(tr.open)
}

// The procedure page's first visit (HTML, CSS, scripts, images and API
// answers from this server; tiles excluded) stays under 150 KB on the
// wire: answers and assets are compressed.
func TestProcedurePageFirstVisitTransfersUnder150KB(t *testing.T) {
	// The demo's tiles come from openstreetmap.org, unreachable here and
	// not ours to count.
	s := start(t, "", "MITREDEN_TILE_URL=https://tile.openstreetmap.org/{z}/{x}/{y}.png")
	ctx := browser(t)
	tr := &transfers{origin: s.URL, urls: map[network.RequestID]string{}, coding: map[network.RequestID]string{},
		bytes: map[network.RequestID]float64{}, open: map[network.RequestID]bool{}}
	chromedp.ListenTarget(ctx, tr.listen)
	run(t, ctx,
		network.Enable(),
		network.SetCacheDisabled(true),
		chromedp.Navigate(s.URL+"/p/gruenzug-altona"),
		chromedp.WaitVisible("#map .leaflet-marker-icon, #map .marker-cluster", chromedp.ByQuery),
	)
	// Wait until every request to this server has finished (the event
	// stream stays open by design).
	wait, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	for tr.pending() > 0 {
		select {
		case <-wait.Done():
			t.Fatalf("%d requests to the server did not finish", tr.pending())
		case <-time.After(20 * time.Millisecond):
		}
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	var total float64
	var lines []string
	for id, u := range tr.urls {
		total += tr.bytes[id]
		lines = append(lines, strings.Join([]string{u, tr.coding[id]}, " "))
		if strings.HasSuffix(u, "/leaflet.js") && tr.coding[id] != "br" {
			t.Errorf("leaflet.js came with Content-Encoding %q, want br", tr.coding[id])
		}
		if strings.HasPrefix(u, "/p/") && !strings.Contains(u, "theme.css") && tr.coding[id] != "gzip" && tr.coding[id] != "br" {
			t.Errorf("the page %s came with Content-Encoding %q, want gzip or br", u, tr.coding[id])
		}
	}
	sort.Strings(lines)
	t.Logf("first visit: %d requests to this server, %.0f bytes; %d to other origins (tiles)\n  %s",
		len(tr.urls), total, tr.external, strings.Join(lines, "\n  "))
	if len(tr.urls) < 5 {
		t.Fatalf("only %d requests seen: %v", len(tr.urls), lines)
	}
	if total >= 150_000 {
		t.Fatalf("first visit transferred %.0f bytes from this server, want < 150,000", total)
	}
}
