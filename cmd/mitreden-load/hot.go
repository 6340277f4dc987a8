package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
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
func hotPath(rounds, conns int, d time.Duration, client *http.Client, viewportURL string, serverPid int) {
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
	ceilingURL, ceilingPid, stop, err := startCeiling(plain, gz, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mitreden-load:", err)
		os.Exit(1)
	}
	defer stop()
	withHeadersURL, withHeadersPid, stopH, err := startCeiling(plain, gz, headers)
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
		var ratios, withHeaders, cpuRatios []float64
		for i := 0; i < rounds; i++ {
			// Each round starts with another of the three, so that a drift
			// within rounds (a shared machine's neighbours, the collector)
			// favours none of them.
			runs := []struct {
				name, url string
				pid       int
				res       result
				cpu       time.Duration // the serving process's CPU time during the run
			}{{name: "ceiling", url: ceilingURL, pid: ceilingPid}, {name: "ceiling with the server's headers", url: withHeadersURL, pid: withHeadersPid},
				{name: "hot viewport", url: viewportURL, pid: serverPid}}
			for k := range runs {
				r := &runs[(i+k)%len(runs)]
				before, _ := cpuTime(r.pid)
				r.res = load(r.name+" "+coding, conns, d, client, get(r.url, coding))
				after, _ := cpuTime(r.pid)
				r.cpu = after - before
			}
			c, h, v := runs[0].res, runs[1].res, runs[2].res
			ratios = append(ratios, v.rps()/c.rps())
			withHeaders = append(withHeaders, v.rps()/h.rps())
			fmt.Println(c)
			fmt.Println(h)
			fmt.Println(v)
			fmt.Printf("round %d: hot viewport / ceiling (%s): %.2f; / ceiling with the server's headers: %.2f\n", i+1, coding, v.rps()/c.rps(), v.rps()/h.rps())
			if serverPid > 0 {
				per := func(i int) float64 { return float64(runs[i].cpu.Microseconds()) / float64(runs[i].res.requests) }
				fmt.Printf("round %d: CPU per answer of the serving process (%s): ceiling %.1f µs, with the server's headers %.1f µs, hot viewport %.1f µs\n",
					i+1, coding, per(0), per(1), per(2))
				cpuRatios = append(cpuRatios, per(0)/per(2))
			}
		}
		sort.Float64s(ratios)
		sort.Float64s(withHeaders)
		fmt.Printf("median hot viewport / ceiling (%s) over %d rounds: %.2f\n", coding, rounds, ratios[len(ratios)/2])
		fmt.Printf("median hot viewport / ceiling with the server's headers (%s) over %d rounds: %.2f\n", coding, rounds, withHeaders[len(withHeaders)/2])
		if len(cpuRatios) > 0 {
			// The share of the machine's noise in this figure is smaller:
			// it counts the serving process's own work per answer.
			sort.Float64s(cpuRatios)
			fmt.Printf("median ceiling's CPU per answer / hot viewport's (%s) over %d rounds: %.2f\n", coding, rounds, cpuRatios[len(cpuRatios)/2])
		}
	}
}

// cpuTime is the user and system CPU time a local process has used so far,
// from /proc (in clock ticks of 10 ms); 0 and an error elsewhere.
func cpuTime(pid int) (time.Duration, error) {
	if pid <= 0 {
		return 0, fmt.Errorf("no process id")
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: count fields
	// after its closing parenthesis (utime and stime are fields 14 and 15).
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("unreadable /proc/%d/stat", pid)
	}
	return time.Duration(utime+stime) * 10 * time.Millisecond, nil
}
