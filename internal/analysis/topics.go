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
	// Centroid is the place's centroid (a line's or an area's, see
	// planar.CentroidArea); sub-areas count a contribution by it.
	Centroid orb.Point
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
func topicsOf(w *Words, docs []Doc) []Topic { return topicsK(w, docs, 0) }

// topicsK clusters the texts counted by w into k topics, or into as many
// as the silhouette chooses when k is 0.
func topicsK(w *Words, docs []Doc, k int) []Topic {
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
	assign := make([]int32, n)
	var cents []float32
	if k == 0 {
		kMax := min(maxTopics, max(2, int(math.Sqrt(float64(len(sample))/2))))
		cents = chooseK(vec, sample, kMax, rng)
		k = len(cents) / vec.dim
	} else {
		tight := math.Inf(-1)
		for r := 0; r < restarts; r++ {
			c := kmeans(vec, sample, k, seed(vec, sample, k, rng), assign, maxIterations)
			if t := cohesion(vec, sample, assign, c, k); t > tight {
				tight, cents = t, c
			}
		}
	}
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

// describe turns the clustering into topics: members, counts, labels.
func describe(w *Words, vec *vectors, features []int32, docs []Doc, rows []int, assign []int32, cents []float32, k int) []Topic {
	accs := make([]topicAcc, k)
	for _, r := range rows {
		accs[assign[r]].add(&docs[r])
	}
	var out []Topic
	for c := range accs {
		if accs[c].t.Members == nil {
			continue
		}
		fs := make([]int, vec.dim)
		for f := range fs {
			fs[f] = f
		}
		sort.SliceStable(fs, func(a, b int) bool { return cents[fs[a]*k+c] > cents[fs[b]*k+c] })
		var terms []string
		for _, f := range fs[:min(topTerms, len(fs))] {
			if cents[f*k+c] > 0 {
				terms = append(terms, w.stems[features[f]].display())
			}
		}
		out = append(out, accs[c].done(terms))
	}
	sortTopics(out)
	return out
}

// topicAcc gathers a topic's members and counts one contribution at a time.
type topicAcc struct {
	t              Topic
	cats, origins  map[string]int
	lonSum, latSum float64
}

func (a *topicAcc) add(d *Doc) {
	t := &a.t
	if a.cats == nil {
		a.cats, a.origins = map[string]int{}, map[string]int{}
	}
	t.Members = append(t.Members, d.ID)
	t.Titles = append(t.Titles, d.Title)
	if t.Key == "" || d.ID < t.Key {
		t.Key = d.ID
	}
	a.cats[d.Category]++
	a.origins[d.Origin]++
	t.Up += d.Up
	t.Down += d.Down
	if d.Placed {
		a.lonSum += d.Centre[0]
		a.latSum += d.Centre[1]
		t.Placed++
	}
}

// done returns the topic, labelled by its terms.
func (a *topicAcc) done(terms []string) Topic {
	t := a.t
	t.Size = len(t.Members)
	if t.Placed > 0 {
		t.Centre = orb.Point{a.lonSum / float64(t.Placed), a.latSum / float64(t.Placed)}
	}
	t.Categories, t.Origins = shares(a.cats), shares(a.origins)
	t.Terms = terms
	t.Label = strings.Join(terms[:min(labelTerms, len(terms))], " · ")
	return t
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
