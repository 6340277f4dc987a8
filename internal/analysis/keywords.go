package analysis

import (
	"context"
	"errors"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/mitreden/mitreden/internal/model"
)

// Planners' keywords: a planner gives all contributions of a topic a
// keyword of their own ("Radverkehrskonzept", "an Bezirk weiterleiten"),
// kept in the contributions' keywords column, so that the exports and the
// back office can group by what the planners decided, not only by what the
// computation found.

// MaxKeyword is the longest keyword, in letters.
const MaxKeyword = 60

// ErrBadKeyword is returned for an empty or too long keyword, or one with a
// comma (commas separate the keywords of a contribution).
var ErrBadKeyword = errors.New("analysis: a keyword must have 1 to 60 letters and no comma")

// Keyword is a planner's keyword and the contributions that carry it.
type Keyword struct {
	Keyword       string
	Contributions []string
}

// AssignKeyword gives every contribution of the topic with the key the
// keyword; it returns how many got it now.
func (s *Service) AssignKeyword(ctx context.Context, p *model.Procedure, key, keyword string) (int, error) {
	keyword = strings.Join(strings.Fields(keyword), " ")
	if keyword == "" || utf8.RuneCountInString(keyword) > MaxKeyword || strings.ContainsRune(keyword, ',') {
		return 0, ErrBadKeyword
	}
	ts, err := s.Topics(ctx, p)
	if err != nil {
		return 0, err
	}
	t := find(ts, key)
	if t == nil {
		return 0, ErrNoTopic
	}
	return s.st.AddKeyword(ctx, p.ID, t.Members, keyword)
}

// Keywords returns the planners' keywords of the procedure's contributions
// by contribution id, and each keyword with its contributions, most used
// first.
func (s *Service) Keywords(ctx context.Context, p *model.Procedure) (map[string][]string, []Keyword, error) {
	byID, err := s.st.Keywords(ctx, p.ID)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]string, 0, len(byID))
	for id := range byID {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	index := map[string]int{}
	var out []Keyword
	for _, id := range ids {
		for _, k := range byID[id] {
			i, ok := index[k]
			if !ok {
				i = len(out)
				index[k] = i
				out = append(out, Keyword{Keyword: k})
			}
			out[i].Contributions = append(out[i].Contributions, id)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if len(out[i].Contributions) != len(out[j].Contributions) {
			return len(out[i].Contributions) > len(out[j].Contributions)
		}
		return out[i].Keyword < out[j].Keyword
	})
	return byID, out, nil
}
