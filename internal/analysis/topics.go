package analysis

import (
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/paulmach/orb"
)

// Topics. Contributions are grouped by what they say:
//
//   - Each text is a TF-IDF vector over its stems (the rules of Words: stop
//     words out, each text stemmed in its own language). A stem counts once
//     per text (texts are short; repeating a word is emphasis, not content),
//     weighted by its inverse document frequency ln((1+n)/(1+df))+1. Stems
//     in fewer than two texts or in more than half of them say nothing about
//     a group and are left out. Vectors have length 1, so their dot product
//     is the cosine similarity.
//   - The texts are clustered by spherical k-means (cosine distance), seeded
//     by k-means++ from a fixed seed, so the same texts give the same topics.
//   - The number of topics k is chosen from the data: on a sample of at most
//     sampleSize texts, k = 2 … kMax is tried and the k with the highest mean
//     silhouette (on at most silhouetteSize of the sample) wins. The chosen
//     clustering of the sample seeds the clustering of all texts, so at
//     100,000 texts only one full clustering runs.
//   - A topic is labelled by its top terms: the stems with the highest mean
//     weight in the topic, shown as residents wrote them most (nouns keep
//     their capital).
//
// Texts without any kept stem belong to no topic.

// Topic is a group of contributions that say similar things.
type Topic struct {
	// Key names the topic: the smallest id among its members. Links use it;
	// a recomputed topic keeps it as long as that contribution stays in it.
	Key     string
	Label   string   // the planners' name, or the top terms joined
	Renamed bool     // Label was given by a planner
	Terms   []string // the top terms, most telling first
	Size    int
	// Categories and Origins count the members per category and per origin,
	// most first.
	Categories []Share
	Origins    []Share
	Up, Down   int // the members' agreeing and disagreeing ratings
	// Centre is the mean of the placed members' centres; Placed is how many
	// members have a place (0: Centre is meaningless).
	Centre  orb.Point
	Placed  int
	Members []string // contribution ids, in the order they were read
	Titles  []string // the members' titles, in the same order
}

// Share is how many members of a topic have one value.
type Share struct {
	Key string
	N   int
}

// Percent is n of total in whole percent.
func (s Share) Percent(total int) int {
	if total == 0 {
		return 0
	}
	return int(math.Round(float64(s.N) * 100 / float64(total)))
}

// Doc is a contribution as the topics read it.
type Doc struct {
	ID, Category, Origin string
	Title                string
	Text                 string // title and text (ComputeTopics reads it)
	Up, Down             int
	Centre               orb.Point
	Placed               bool
}

// The tuning of the clustering.
const (
	sampleSize     = 2000 // texts k is chosen on
	silhouetteSize = 600  // texts the silhouette is measured on
	maxTopics      = 12
	maxIterations  = 40
	restarts       = 3 // seedings tried per k on the sample; the tightest wins
	topTerms       = 6
	labelTerms     = 3
	topicSeed      = 0x746f70696373 // "topics"
)

// vectors holds the texts' TF-IDF vectors in compressed rows.
type vectors struct {
	off []int32 // row i is idx/val[off[i]:off[i+1]]
	idx []int32 // feature numbers
	val []float32
	dim int
}

func (v *vectors) row(i int) ([]int32, []float32) {
	return v.idx[v.off[i]:v.off[i+1]], v.val[v.off[i]:v.off[i+1]]
}

func (v *vectors) n() int { return len(v.off) - 1 }

// ComputeTopics groups docs into topics. It is deterministic: the same docs
// in the same order give the same topics.
func ComputeTopics(docs []Doc) []Topic {
	w := NewWords()
	for i := range docs {
		w.Add(docs[i].Text)
	}
	return topicsOf(w, docs)
}

// topicsOf clusters the texts counted by w, one per doc.
func topicsOf(w *Words, docs []Doc) []Topic {
	n := len(w.texts)
	if n < 4 {
		return nil
	}
	vec, features := tfidf(w)
	rows := make([]int, 0, n) // texts with at least one kept stem
	for i := 0; i < n; i++ {
		if vec.off[i+1] > vec.off[i] {
			rows = append(rows, i)
		}
	}
	if len(rows) < 4 {
		return nil
	}
	rng := rand.New(rand.NewPCG(topicSeed, uint64(len(rows))))
	sample := rows
	if len(sample) > sampleSize {
		sample = pick(rng, rows, sampleSize)
	}
	kMax := min(maxTopics, max(2, int(math.Sqrt(float64(len(sample))/2))))
	cents := chooseK(vec, sample, kMax, rng)
	k := len(cents) / vec.dim
	assign := make([]int32, n)
	for i := range assign {
		assign[i] = -1
	}
	cents = kmeans(vec, rows, k, cents, assign, maxIterations)
	return describe(w, vec, features, docs, rows, assign, cents, k)
}

// tfidf builds the vectors and returns, per feature, its stem id.
func tfidf(w *Words) (*vectors, []int32) {
	n := len(w.texts)
	df := make([]int32, len(w.stems))
	for _, t := range w.texts {
		for _, id := range t {
			df[id]++
		}
	}
	feature := make([]int32, len(w.stems))
	var features []int32
	var idf []float32
	for id, d := range df {
		feature[id] = -1
		if d >= 2 && int(d)*2 <= n {
			feature[id] = int32(len(features))
			features = append(features, int32(id))
			idf = append(idf, float32(math.Log(float64(1+n)/float64(1+d))+1))
		}
	}
	v := &vectors{off: make([]int32, 1, n+1), dim: len(features)}
	for _, t := range w.texts {
		start := len(v.idx)
		var sum float64
		for _, id := range t {
			if f := feature[id]; f >= 0 {
				v.idx = append(v.idx, f)
				v.val = append(v.val, idf[f])
				sum += float64(idf[f]) * float64(idf[f])
			}
		}
		norm := float32(1 / math.Sqrt(max(sum, 1e-12)))
		for j := start; j < len(v.idx); j++ {
			v.val[j] *= norm
		}
		v.off = append(v.off, int32(len(v.idx)))
	}
	return v, features
}

// pick draws m of rows without repetition, kept in their order.
func pick(rng *rand.Rand, rows []int, m int) []int {
	perm := rng.Perm(len(rows))[:m]
	sort.Ints(perm)
	out := make([]int, m)
	for i, p := range perm {
		out[i] = rows[p]
	}
	return out
}

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

// describe turns the clustering into topics: members, counts, labels.
func describe(w *Words, vec *vectors, features []int32, docs []Doc, rows []int, assign []int32, cents []float32, k int) []Topic {
	topics := make([]Topic, k)
	cats := make([]map[string]int, k)
	origins := make([]map[string]int, k)
	for c := range topics {
		cats[c], origins[c] = map[string]int{}, map[string]int{}
	}
	for _, r := range rows {
		c := assign[r]
		t, d := &topics[c], &docs[r]
		t.Members = append(t.Members, d.ID)
		t.Titles = append(t.Titles, d.Title)
		if t.Key == "" || d.ID < t.Key {
			t.Key = d.ID
		}
		cats[c][d.Category]++
		origins[c][d.Origin]++
		t.Up += d.Up
		t.Down += d.Down
		if d.Placed {
			t.Centre[0] += d.Centre[0]
			t.Centre[1] += d.Centre[1]
			t.Placed++
		}
	}
	out := topics[:0]
	for c := range topics {
		t := topics[c]
		if len(t.Members) == 0 {
			continue
		}
		t.Size = len(t.Members)
		if t.Placed > 0 {
			t.Centre = orb.Point{t.Centre[0] / float64(t.Placed), t.Centre[1] / float64(t.Placed)}
		}
		t.Categories, t.Origins = shares(cats[c]), shares(origins[c])
		fs := make([]int, vec.dim)
		for f := range fs {
			fs[f] = f
		}
		sort.SliceStable(fs, func(a, b int) bool { return cents[fs[a]*k+c] > cents[fs[b]*k+c] })
		for _, f := range fs[:min(topTerms, len(fs))] {
			if cents[f*k+c] > 0 {
				t.Terms = append(t.Terms, w.stems[features[f]].display())
			}
		}
		t.Label = strings.Join(t.Terms[:min(labelTerms, len(t.Terms))], " · ")
		out = append(out, t)
	}
	sortTopics(out)
	return out
}

func sortTopics(ts []Topic) {
	sort.SliceStable(ts, func(a, b int) bool {
		if ts[a].Size != ts[b].Size {
			return ts[a].Size > ts[b].Size
		}
		return ts[a].Key < ts[b].Key
	})
}

func shares(m map[string]int) []Share {
	out := make([]Share, 0, len(m))
	for k, n := range m {
		out = append(out, Share{k, n})
	}
	sort.Slice(out, func(a, b int) bool {
		if out[a].N != out[b].N {
			return out[a].N > out[b].N
		}
		return out[a].Key < out[b].Key
	})
	return out
}
