package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"
)

// hotPath compares the same cached viewport answer from the server with
// the ceiling (ceiling.go), Fiber sending the very bytes the server sends
// from memory in a process of its own:
// once uncompressed (Accept-Encoding: identity) and once gzip-compressed
// as browsers get it (the client does not decompress, in either case). It
// alternates ceiling and server, rounds times each and each in turn first,
// and prints each pair's ratio and the median: on a shared machine one
// pair says little. A
// second ceiling sends the server's own headers as well (security headers,
// request id, validator, …: what a client parses beside the body), so that
// the run tells what the headers cost from what the server's work does.
func hotPath(rounds, conns int, d time.Duration, client *http.Client, viewportURL string) {
	var headers map[string]string
	fetch := func(coding string) []byte {
		r, _ := http.NewRequest("GET", viewportURL, nil)
		r.Header.Set("Accept-Encoding", coding)
		resp, err := client.Do(r)
		if err != nil {
			fmt.Fprintln(os.Stderr, "mitreden-load:", err)
			os.Exit(1)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if headers == nil {
			headers = map[string]string{}
			for k, v := range resp.Header {
				switch k {
				case "Date", "Content-Length", "Content-Type", "Content-Encoding":
				default:
					headers[k] = strings.Join(v, ", ")
				}
			}
		}
		if resp.Header.Get("Content-Encoding") != map[string]string{"identity": "", "gzip": "gzip"}[coding] {
			fmt.Fprintf(os.Stderr, "mitreden-load: asked for %s, got Content-Encoding %q\n", coding, resp.Header.Get("Content-Encoding"))
			os.Exit(1)
		}
		return b
	}
	plain, gz := fetch("identity"), fetch("gzip")
	ceilingURL, stop, err := startCeiling(plain, gz, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mitreden-load:", err)
		os.Exit(1)
	}
	defer stop()
	withHeadersURL, stopH, err := startCeiling(plain, gz, headers)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mitreden-load:", err)
		os.Exit(1)
	}
	defer stopH()
	get := func(u, coding string) func(int64) *http.Request {
		return func(int64) *http.Request {
			r, _ := http.NewRequest("GET", u, nil)
			r.Header.Set("Accept-Encoding", coding) // set by hand: the client leaves the body as it is
			return r
		}
	}
	fmt.Printf("hot viewport answer: %d bytes, %d gzip-compressed\n", len(plain), len(gz))
	for _, coding := range []string{"identity", "gzip"} {
		var ratios, withHeaders []float64
		for i := 0; i < rounds; i++ {
			// Each round starts with another of the three, so that a drift
			// within rounds (a shared machine's neighbours, the collector)
			// favours none of them.
			runs := []struct {
				name, url string
				res       result
			}{{name: "ceiling", url: ceilingURL}, {name: "ceiling with the server's headers", url: withHeadersURL}, {name: "hot viewport", url: viewportURL}}
			for k := range runs {
				r := &runs[(i+k)%len(runs)]
				r.res = load(r.name+" "+coding, conns, d, client, get(r.url, coding))
			}
			c, h, v := runs[0].res, runs[1].res, runs[2].res
			ratios = append(ratios, v.rps()/c.rps())
			withHeaders = append(withHeaders, v.rps()/h.rps())
			fmt.Println(c)
			fmt.Println(h)
			fmt.Println(v)
			fmt.Printf("round %d: hot viewport / ceiling (%s): %.2f; / ceiling with the server's headers: %.2f\n", i+1, coding, v.rps()/c.rps(), v.rps()/h.rps())
		}
		sort.Float64s(ratios)
		sort.Float64s(withHeaders)
		fmt.Printf("median hot viewport / ceiling (%s) over %d rounds: %.2f\n", coding, rounds, ratios[len(ratios)/2])
		fmt.Printf("median hot viewport / ceiling with the server's headers (%s) over %d rounds: %.2f\n", coding, rounds, withHeaders[len(withHeaders)/2])
	}
}
