package analysis

import (
	"math"
	"math/rand/v2"
)

// The clustering of the topics (topics.go): spherical k-means over the
// TF-IDF vectors, k-means++ seeding, the silhouette that chooses k.

// chooseK clusters the sample for k = 2 … kMax and returns the centroids of
// the k with the best silhouette.
func chooseK(vec *vectors, sample []int, kMax int, rng *rand.Rand) []float32 {
	sil := sample
	if len(sil) > silhouetteSize {
		sil = pick(rng, sample, silhouetteSize)
	}
	pos := make(map[int]int, len(sample))
	for i, r := range sample {
		pos[r] = i
	}
	// The pairwise cosine distances of the silhouette texts, once for all k.
	dist := make([]float32, len(sil)*len(sil))
	for a := range sil {
		ia, va := vec.row(sil[a])
		for b := a + 1; b < len(sil); b++ {
			ib, vb := vec.row(sil[b])
			d := 1 - sparseDot(ia, va, ib, vb)
			dist[a*len(sil)+b], dist[b*len(sil)+a] = d, d
		}
	}
	assign := make([]int32, vec.n())
	var best []float32
	bestScore := math.Inf(-1)
	for k := 2; k <= kMax; k++ {
		var cents []float32
		tight := math.Inf(-1)
		for r := 0; r < restarts; r++ {
			c := kmeans(vec, sample, k, seed(vec, sample, k, rng), assign, maxIterations)
			if t := cohesion(vec, sample, assign, c, k); t > tight {
				tight, cents = t, c
			}
		}
		assignAll(vec, sample, cents, k, assign)
		labels := make([]int32, len(sil))
		for i, r := range sil {
			labels[i] = assign[r]
		}
		if s := silhouette(dist, labels, k); s > bestScore+1e-9 {
			bestScore, best = s, cents
		}
	}
	return best
}

// seed picks k centroids by k-means++: each next one a text drawn with a
// probability of its squared distance to the nearest chosen one.
func seed(vec *vectors, rows []int, k int, rng *rand.Rand) []float32 {
	cents := make([]float32, k*vec.dim)
	near := make([]float64, len(rows))
	for i := range near {
		near[i] = math.Inf(1)
	}
	chosen := rows[rng.IntN(len(rows))]
	for c := 0; c < k; c++ {
		idx, val := vec.row(chosen)
		for j, f := range idx {
			cents[int(f)*k+c] = val[j]
		}
		if c == k-1 {
			break
		}
		var total float64
		ic, vc := idx, val
		for i, r := range rows {
			ir, vr := vec.row(r)
			d := float64(1 - sparseDot(ir, vr, ic, vc))
			d *= d
			if d < near[i] {
				near[i] = d
			}
			total += near[i]
		}
		if total <= 0 {
			chosen = rows[rng.IntN(len(rows))]
			continue
		}
		x := rng.Float64() * total
		for i, r := range rows {
			x -= near[i]
			if x <= 0 {
				chosen = r
				break
			}
		}
	}
	return cents
}

// kmeans refines the centroids (laid out feature-major: cents[f*k+c]) over
// rows until no text changes its topic, and writes each row's topic into
// assign. It returns the centroids.
func kmeans(vec *vectors, rows []int, k int, cents []float32, assign []int32, iterations int) []float32 {
	for i := range rows {
		assign[rows[i]] = -1
	}
	sums := make([]float64, k*vec.dim)
	for it := 0; it < iterations; it++ {
		changed := assignAll(vec, rows, cents, k, assign)
		if changed == 0 && it > 0 {
			break
		}
		clear(sums)
		size := make([]int, k)
		for _, r := range rows {
			c := int(assign[r])
			size[c]++
			idx, val := vec.row(r)
			for j, f := range idx {
				sums[int(f)*k+c] += float64(val[j])
			}
		}
		norms := make([]float64, k)
		for f := 0; f < vec.dim; f++ {
			for c := 0; c < k; c++ {
				s := sums[f*k+c]
				norms[c] += s * s
			}
		}
		for c := 0; c < k; c++ {
			if size[c] == 0 { // an empty topic takes the text farthest from its own
				reseed(vec, rows, cents, k, c, assign)
				continue
			}
			inv := 1 / math.Sqrt(norms[c])
			for f := 0; f < vec.dim; f++ {
				cents[f*k+c] = float32(sums[f*k+c] * inv)
			}
		}
		if changed*1000 < len(rows) && it > 0 {
			break
		}
	}
	assignAll(vec, rows, cents, k, assign)
	return cents
}

// assignAll gives each row its nearest centroid and counts the changes.
func assignAll(vec *vectors, rows []int, cents []float32, k int, assign []int32) int {
	changed := 0
	sim := make([]float32, k)
	for _, r := range rows {
		best := nearest(vec, r, cents, k, sim)
		if assign[r] != int32(best) {
			assign[r] = int32(best)
			changed++
		}
	}
	return changed
}

// nearest returns the centroid most similar to row r.
func nearest(vec *vectors, r int, cents []float32, k int, sim []float32) int {
	clear(sim)
	idx, val := vec.row(r)
	for j, f := range idx {
		c := cents[int(f)*k : int(f)*k+k]
		v := val[j]
		for x := range c {
			sim[x] += v * c[x]
		}
	}
	best := 0
	for x := 1; x < k; x++ {
		if sim[x] > sim[best] {
			best = x
		}
	}
	return best
}

// reseed puts centroid c on the row least similar to its own centroid.
func reseed(vec *vectors, rows []int, cents []float32, k, c int, assign []int32) {
	far, farSim := -1, float32(2)
	for _, r := range rows {
		s := rowSim(vec, r, cents, k, int(assign[r]))
		if s < farSim {
			far, farSim = r, s
		}
	}
	for f := 0; f < vec.dim; f++ {
		cents[f*k+c] = 0
	}
	idx, val := vec.row(far)
	for j, f := range idx {
		cents[int(f)*k+c] = val[j]
	}
	assign[far] = int32(c)
}

func rowSim(vec *vectors, r int, cents []float32, k, c int) float32 {
	var s float32
	idx, val := vec.row(r)
	for j, f := range idx {
		s += val[j] * cents[int(f)*k+c]
	}
	return s
}

// cohesion is the sum of the rows' similarities to their centroids.
func cohesion(vec *vectors, rows []int, assign []int32, cents []float32, k int) float64 {
	var s float64
	for _, r := range rows {
		s += float64(rowSim(vec, r, cents, k, int(assign[r])))
	}
	return s
}

// silhouette is the mean silhouette of a labelling under the distances.
func silhouette(dist []float32, labels []int32, k int) float64 {
	m := len(labels)
	size := make([]int, k)
	for _, l := range labels {
		size[l]++
	}
	sum := make([]float64, k)
	var total float64
	for a := 0; a < m; a++ {
		clear(sum)
		for b := 0; b < m; b++ {
			if a != b {
				sum[labels[b]] += float64(dist[a*m+b])
			}
		}
		own := labels[a]
		if size[own] <= 1 {
			continue // a lone text scores 0
		}
		in := sum[own] / float64(size[own]-1)
		out := math.Inf(1)
		for c := 0; c < k; c++ {
			if int32(c) != own && size[c] > 0 {
				out = min(out, sum[c]/float64(size[c]))
			}
		}
		if math.IsInf(out, 1) {
			continue
		}
		total += (out - in) / max(in, out, 1e-12)
	}
	return total / float64(m)
}

// sparseDot is the dot product of two sparse vectors whose features are in
// the order of their texts (not sorted); texts are short, so a nested loop
// beats a map.
func sparseDot(ia []int32, va []float32, ib []int32, vb []float32) float32 {
	var s float32
	for i, f := range ia {
		for j, g := range ib {
			if f == g {
				s += va[i] * vb[j]
				break
			}
		}
	}
	return s
}
