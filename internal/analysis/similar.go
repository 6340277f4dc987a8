package analysis

import (
	"context"
	"math"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"github.com/mitreden/mitreden/internal/cache"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Similar contributions. While a resident writes, the form shows published
// contributions that say much the same nearby, so they can support one
// instead of writing it again. The rule is the near-duplicates' (the share
// of stems two texts have in common), with a lower bar: a text being
// written is shorter and worded on its own.

// The rules of a similar contribution.
const (
	// SimilarScore is the least share of common stems (Jaccard).
	SimilarScore = 0.2
	// SimilarDistance is how far, in metres, a similar contribution's place
	// may lie from the point asked about.
	SimilarDistance = 300.0
	// SimilarMax is the most contributions answered.
	SimilarMax = 5
	// SimilarTextMax is the longest text (in characters) compared: a
	// query string the server reads whole (16 KB) holds it in any script.
	SimilarTextMax = 1500
	// similarCommon is the least number of common stems: one shared word
	// is no similarity, however short the texts.
	similarCommon = 2
	// excerptChars is the length of the excerpts kept.
	excerptChars = 160
)

// SimilarContribution is a published contribution like the text asked about.
type SimilarContribution struct {
	ID, Title, Excerpt string
	Up, Down           int
	// Distance is from the point asked about in metres, -1 when no point
	// was given.
	Distance float64
	Score    float64 // share of common stems, 0..1
}

// Percent is the score in whole percent.
func (s SimilarContribution) Percent() int { return int(math.Round(s.Score * 100)) }

// simIndex is an inverted index of the published contributions' stems, one
// per procedure version: a query reads only the postings of its own stems.
type simIndex struct {
	version  int64
	docs     []simDoc
	postings map[uint64][]int32 // stem hash → docs holding it
}

type simDoc struct {
	id, title, excerpt string
	up, down           int
	centre             orb.Point
	placed             bool
	stems              int // distinct stems
}

// similarState keeps the indexes: the cache per version, and each
// procedure's newest one (answered, while a large procedure's next version
// is indexed in the background, as Of does for the analysis; a large
// procedure's first index is made in the background too, nothing being
// similar until it is there).
type similarState struct {
	once    sync.Once
	indexes *cache.Cache[*simIndex]
	mu      sync.Mutex
	last    map[int64]*simIndex
	large   map[int64]bool // procedures found large (see largeForSimilar)
}

// simBudget is how many MB of indexes are kept across procedures.
const simBudget = 256

func simCost(ix *simIndex) int {
	bytes := len(ix.docs) * (96 + excerptChars)
	for _, p := range ix.postings {
		bytes += 48 + 4*len(p)
	}
	return 1 + bytes>>20
}

// Similar returns up to limit (at most SimilarMax) published contributions
// of p whose text is like text, the most similar first; with a point only
// those placed within SimilarDistance of it, the nearer first among equals.
// A text too short to compare has none; so has every text while a large
// procedure's first index is made (in the background).
func (s *Service) Similar(ctx context.Context, p *model.Procedure, text string, point *orb.Point, limit int) ([]SimilarContribution, error) {
	if limit <= 0 || limit > SimilarMax {
		limit = SimilarMax
	}
	if utf8.RuneCountInString(text) > SimilarTextMax {
		text = string([]rune(text)[:SimilarTextMax])
	}
	q := newShingler().shingles(text)
	if len(q) < minShingles {
		return []SimilarContribution{}, nil
	}
	ix, err := s.similarIndex(ctx, p)
	if err != nil {
		return nil, err
	}
	return ix.query(q, point, limit), nil
}

func (s *Service) similarIndex(ctx context.Context, p *model.Procedure) (*simIndex, error) {
	st := &s.sim
	st.once.Do(func() {
		st.indexes = cache.New[*simIndex](simBudget, simCost)
		st.last = map[int64]*simIndex{}
	})
	key := cache.Key{Procedure: p.ID, Version: p.Version, Name: "similar"}
	st.mu.Lock()
	last := st.last[p.ID]
	st.mu.Unlock()
	if last != nil && last.version == p.Version {
		return last, nil
	}
	if ix, ok := st.indexes.Get(key); ok {
		return ix, nil
	}
	build := func(ctx context.Context) (*simIndex, error) {
		ix, err := s.buildSimilar(ctx, p)
		if err == nil {
			st.mu.Lock()
			if cur := st.last[p.ID]; cur == nil || cur.version <= ix.version {
				st.last[p.ID] = ix
			}
			st.mu.Unlock()
		}
		return ix, err
	}
	background := func() {
		s.refresh.start(p.ID, "similar", func() {
			_, _ = st.indexes.Do(context.WithoutCancel(ctx), key, build) // a failure shows on the next call
		})
	}
	if last != nil && len(last.docs) >= s.background && last.version < p.Version {
		background()
		return last, nil
	}
	if last == nil {
		// The first index of a large procedure is not waited for either
		// (seconds at 100,000 texts on a busy server): until it is there,
		// nothing is similar.
		large, err := s.largeForSimilar(ctx, p.ID)
		if err != nil {
			return nil, err
		}
		if large {
			background()
			return &simIndex{version: p.Version}, nil
		}
	}
	return st.indexes.Do(ctx, key, build)
}

// largeForSimilar reports whether procedure id has BackgroundTexts or more
// published contributions (an upper bound of the texts indexed), counted
// once: a procedure that large stays large enough.
func (s *Service) largeForSimilar(ctx context.Context, id int64) (bool, error) {
	st := &s.sim
	st.mu.Lock()
	large := st.large[id]
	st.mu.Unlock()
	if large {
		return true, nil
	}
	counts, err := s.st.CountBy(ctx, id, "category")
	if err != nil {
		return false, err
	}
	n := 0
	for _, c := range counts {
		n += c.N
	}
	if n < s.background {
		return false, nil
	}
	st.mu.Lock()
	if st.large == nil {
		st.large = map[int64]bool{}
	}
	st.large[id] = true
	st.mu.Unlock()
	return true, nil
}

func (s *Service) buildSimilar(ctx context.Context, p *model.Procedure) (*simIndex, error) {
	sh := newShingler()
	ix := &simIndex{version: p.Version, postings: map[uint64][]int32{}}
	err := s.st.StreamContributions(ctx, p.ID, store.ExportOptions{}, func(r *store.ExportRow) error {
		c := r.Contribution
		if c.Status != model.Published {
			return nil
		}
		stems := sh.shingles(c.Title + "\n" + c.Text)
		if len(stems) < minShingles {
			return nil
		}
		d := simDoc{id: c.ID, title: c.Title, excerpt: excerpt(c.Text, excerptChars), up: c.Up, down: c.Down, stems: len(stems)}
		if c.Geometry != nil {
			d.centre, d.placed = c.Geometry.Bound().Center(), true
		}
		n := int32(len(ix.docs))
		ix.docs = append(ix.docs, d)
		for _, h := range stems {
			ix.postings[h] = append(ix.postings[h], n)
		}
		return nil
	})
	return ix, err
}

// query scores the documents sharing stems with q (sorted, distinct).
func (ix *simIndex) query(q []uint64, point *orb.Point, limit int) []SimilarContribution {
	common := make([]uint16, len(ix.docs))
	var touched []int32
	for _, h := range q {
		for _, d := range ix.postings[h] {
			if common[d] == 0 {
				touched = append(touched, d)
			}
			common[d]++
		}
	}
	out := []SimilarContribution{}
	for _, d := range touched {
		n := int(common[d])
		if n < similarCommon {
			continue
		}
		doc := &ix.docs[d]
		score := float64(n) / float64(len(q)+doc.stems-n)
		if score < SimilarScore {
			continue
		}
		dist := -1.0
		if point != nil {
			if !doc.placed {
				continue
			}
			if dist = geo.Distance(*point, doc.centre); dist > SimilarDistance {
				continue
			}
			dist = math.Round(dist)
		}
		out = append(out, SimilarContribution{ID: doc.id, Title: doc.title, Excerpt: doc.excerpt, Up: doc.up, Down: doc.down,
			Distance: dist, Score: math.Round(score*100) / 100})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		if out[i].Distance != out[j].Distance {
			return out[i].Distance < out[j].Distance
		}
		return out[i].ID < out[j].ID
	})
	return out[:min(limit, len(out))]
}

// excerpt is the start of text, at most n characters, cut at a word.
func excerpt(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	r := []rune(text)[:n]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return cut + " …"
}
