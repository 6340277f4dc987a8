package main

import (
	"fmt"
	"net/http"
	"sort"
	"time"
)

// hotPath alternates the ceiling (Fiber sending the answer's bytes from
// memory) and the same cached viewport answer from the server, rounds
// times each, and prints every pair's ratio and the median: on a shared
// machine one pair says little, alternating pairs and their median more.
func hotPath(rounds, conns int, d time.Duration, client *http.Client, ceilingURL, viewportURL string) {
	get := func(u string) func(int64) *http.Request {
		return func(int64) *http.Request { r, _ := http.NewRequest("GET", u, nil); return r }
	}
	var ratios []float64
	for i := 0; i < rounds; i++ {
		c := load("ceiling (memory)", conns, d, client, get(ceilingURL))
		v := load("hot viewport", conns, d, client, get(viewportURL))
		r := v.rps() / c.rps()
		ratios = append(ratios, r)
		fmt.Println(c)
		fmt.Println(v)
		fmt.Printf("round %d: hot viewport / ceiling: %.2f\n", i+1, r)
	}
	sort.Float64s(ratios)
	fmt.Printf("median hot viewport / ceiling over %d rounds: %.2f\n", rounds, ratios[len(ratios)/2])
}
