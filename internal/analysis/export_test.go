package analysis

import "time"

// Corpus and Purity let the tests of package analysis_test use the
// generated corpus.
var (
	Corpus = corpus
	Purity = purity
)

// SetSlowAfter changes how long an analysis must take for the next
// version's to run in the background.
func SetSlowAfter(s *Service, d time.Duration) { s.slowAfter = d }
