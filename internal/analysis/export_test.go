package analysis

// Corpus and Purity let the tests of package analysis_test use the
// generated corpus.
var (
	Corpus = corpus
	Purity = purity
)

// SetBackground changes from how many texts the next version's analysis
// runs in the background.
func SetBackground(s *Service, n int) { s.SetBackgroundTexts(n) }
