package analysis

import (
	"context"
	"hash/fnv"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/cache"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Pair is two contributions that say the same thing close to each other.
// A is the older one: the one B would be merged into.
type Pair struct {
	A, B           string // contribution ids, A created first
	ATitle, BTitle string
	// Distance is the distance between the centres of their places in
	// metres, or -1 when neither has a place.
	Distance float64
	// Score is the share of words (stems, stop words left out) the two texts
	// have in common: 1 for the same words, 0 for none (Jaccard).
	Score float64
}

// Percent is the score in whole percent.
func (p Pair) Percent() int { return int(math.Round(p.Score * 100)) }

// The rules of a near-duplicate.
const (
	// DuplicateScore is the least share of common words of a pair.
	DuplicateScore = 0.5
	// DuplicateDistance is the farthest apart, in metres, the centres of a
	// pair's places may be. Two contributions without a place may pair;
	// one with and one without never do.
	DuplicateDistance = 150.0
	// minShingles leaves out texts too short to compare (fewer words).
	minShingles = 3
	// MinHash signature: bands × rows hash functions. A pair is compared
	// only when all rows of one band agree, so the work stays near linear;
	// with 24 bands of 3 rows a pair sharing half its words is a candidate
	// with a probability of about 0.96, one sharing 0.7 with 0.9997.
	bands = 24
	rows  = 3
	// maxBucket bounds the comparisons of one band bucket (the spots of
	// different texts in one grid cell, or without a place, that agree in
	// one band; see pairs.go): a bucket larger than this is compared, within
	// itself and with its neighbouring cells' buckets, by its first
	// maxBucket spots only.
	maxBucket = 500
	// MaxPairs bounds the pairs kept: the most similar ones. Texts made of
	// a few phrases (100,000 generated ones) would otherwise pair by the
	// million; no moderator reads past the first hundreds.
	MaxPairs = 5000
)

// dupText is one candidate contribution for the pair search.
type dupText struct {
	id, title string
	created   time.Time
	centre    orb.Point
	placed    bool
	shingles  []uint64 // sorted, distinct
}

// Duplicates returns the pairs of published or waiting contributions that
// say the same thing close to each other, the most similar first; it is
// computed once per procedure version.
func (s *Service) Duplicates(ctx context.Context, p *model.Procedure) ([]Pair, error) {
	return s.pairs.Do(ctx, cache.Key{Procedure: p.ID, Version: p.Version, Name: "duplicates"}, func(ctx context.Context) ([]Pair, error) {
		return s.duplicates(ctx, p)
	})
}

func (s *Service) duplicates(ctx context.Context, p *model.Procedure) ([]Pair, error) {
	if texts, ok := s.readWithView(p); ok {
		return findPairs(texts), nil
	}
	sh := newShingler()
	var texts []dupText
	err := s.st.StreamContributions(ctx, p.ID, store.ExportOptions{}, func(r *store.ExportRow) error {
		if t, ok := sh.candidate(r.Contribution, ""); ok {
			texts = append(texts, t)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return findPairs(texts), nil
}

// candidate is c as a candidate of the pair search: published or waiting
// and long enough. text is its title and text when already joined.
func (s *shingler) candidate(c *model.Contribution, text string) (dupText, bool) {
	if c.Status != model.Published && c.Status != model.Submitted {
		return dupText{}, false
	}
	if text == "" {
		text = c.Title + "\n" + c.Text
	}
	t := dupText{id: c.ID, title: c.Title, created: c.CreatedAt, shingles: s.shingles(text)}
	if len(t.shingles) < minShingles {
		return dupText{}, false
	}
	if c.Geometry != nil {
		t.centre, t.placed = c.Geometry.Bound().Center(), true
	}
	return t, true
}

// viewTexts are the candidates of the pair search read with a view (one
// read of the store for both), handed to the pair search once.
type viewTexts struct {
	mu    sync.Mutex
	texts []dupText
	taken bool
}

// readWithView takes the candidates read with the view of p's version, if
// that view is there and they were not taken yet.
func (s *Service) readWithView(p *model.Procedure) ([]dupText, bool) {
	s.mu.Lock()
	v, ok := s.last[p.ID]
	s.mu.Unlock()
	if !ok || v.Version != p.Version {
		if v, ok = s.views.Get(cache.Key{Procedure: p.ID, Version: p.Version, Name: "analysis"}); !ok {
			return nil, false
		}
	}
	if v.dup == nil {
		return nil, false
	}
	v.dup.mu.Lock()
	defer v.dup.mu.Unlock()
	if v.dup.taken {
		return nil, false
	}
	texts := v.dup.texts
	v.dup.texts, v.dup.taken = nil, true
	return texts, true
}

// dupCell is a text's cell in the grid of DuplicateDistance.
type dupCell struct {
	x, y   int32
	placed bool
}

type dupKey struct {
	sig  [rows]uint64
	cell dupCell
}

// dupCells places each text in a grid whose cells are DuplicateDistance
// wide (a little more), so two places within it lie in the same or
// neighbouring cells. East-west the metres per degree are taken at the
// latitude farthest from the equator: no distance is counted longer than
// it is.
func dupCells(texts []dupText) []dupCell {
	maxLat := 0.0
	for i := range texts {
		if texts[i].placed {
			maxLat = max(maxLat, math.Abs(texts[i].centre[1]))
		}
	}
	const metresPerDegree = 111_195.0
	size := DuplicateDistance * 1.01
	kx := metresPerDegree * math.Cos(min(maxLat, 89)*math.Pi/180) / size
	ky := metresPerDegree / size
	out := make([]dupCell, len(texts))
	for i := range texts {
		if t := &texts[i]; t.placed {
			out[i] = dupCell{x: int32(math.Floor(t.centre[0] * kx)), y: int32(math.Floor(t.centre[1] * ky)), placed: true}
		}
	}
	return out
}

// firstBand is the first band in which two signatures agree (bands when
// none does).
func firstBand(a, b *[bands * rows]uint64) int {
	for band := 0; band < bands; band++ {
		same := true
		for r := band * rows; r < (band+1)*rows; r++ {
			if a[r] != b[r] {
				same = false
				break
			}
		}
		if same {
			return band
		}
	}
	return bands
}

// jaccard is |a ∩ b| / |a ∪ b| of two sorted, distinct lists.
func jaccard(a, b []uint64) float64 {
	common, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			common++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	union := len(a) + len(b) - common
	if union == 0 {
		return 0
	}
	return float64(common) / float64(union)
}

// minhash is the MinHash signature of a text's shingles: for each of
// bands × rows seeds, the least mixed hash.
func minhash(shingles []uint64) [bands * rows]uint64 {
	var sig [bands * rows]uint64
	for k := range sig {
		sig[k] = math.MaxUint64
	}
	for _, h := range shingles {
		for k := range sig {
			if v := mix(h ^ seeds[k]); v < sig[k] {
				sig[k] = v
			}
		}
	}
	return sig
}

// seeds are the hash functions' fixed seeds.
var seeds = func() (s [bands * rows]uint64) {
	x := uint64(0x6d69747265646e)
	for k := range s {
		x = mix(x + uint64(k) + 1)
		s[k] = x
	}
	return s
}()

// mix is SplitMix64's finaliser: a good spread of a 64-bit value.
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// shingler turns a text into its shingles: the hashes of its words' stems,
// by the rules of Words (tokens, stop words, the text's language, Snowball
// stems, umlauts folded), so "Grünzüge" and "Grünzug" are one shingle. Each
// written form is stemmed once per language (memo); buf is reused.
type shingler struct {
	w    *Words
	memo [2]map[string]shingle // German, English: written form → its shingle
	buf  []uint64
	sets map[uint64][]uint64 // the sets returned so far, so equal texts share one
}

// shingle is what a written form gives: its hash, or nothing (a stop word
// or one too short).
type shingle struct {
	h    uint64
	keep bool
}

func newShingler() *shingler {
	return &shingler{w: NewWords(), memo: [2]map[string]shingle{{}, {}}, sets: map[uint64][]uint64{}}
}

func (s *shingler) shingles(text string) []uint64 {
	toks := tokens(text)
	en := s.w.isEnglish(toks)
	memo := s.memo[0]
	if en {
		memo = s.memo[1]
	}
	buf := s.buf[:0]
	for _, t := range toks {
		m, ok := memo[t.text]
		if !ok {
			m = s.learn(t.text, en)
			memo[strings.Clone(t.text)] = m
		}
		if m.keep {
			buf = append(buf, m.h)
		}
	}
	slices.Sort(buf)
	buf = slices.Compact(buf)
	s.buf = buf
	h := uint64(len(buf))
	for _, x := range buf {
		h = mix(h ^ x)
	}
	if set, ok := s.sets[h]; ok && slices.Equal(set, buf) {
		return set
	}
	set := slices.Clone(buf)
	s.sets[h] = set
	return set
}

// learn is the shingle of a written form seen for the first time.
func (s *shingler) learn(text string, en bool) shingle {
	lower := strings.ToLower(text)
	if utf8.RuneCountInString(strings.ReplaceAll(lower, "-", "")) < 3 || stopwords[lower] {
		return shingle{}
	}
	h := fnv.New64a()
	h.Write([]byte(fold(s.w.stem(strings.ReplaceAll(lower, "-", ""), en))))
	return shingle{h: h.Sum64(), keep: true}
}
