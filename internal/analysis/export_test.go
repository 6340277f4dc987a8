package analysis

// Corpus and Purity let the tests of package analysis_test use the
// generated corpus.
var (
	Corpus = corpus
	Purity = purity
)
