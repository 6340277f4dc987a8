package viewport

// Collection exposes collection to the tests.
var Collection = collection

// SetTileFeatureLimits sets how many entries a tile keeps all features of
// and how many of the newest a fuller tile keeps, until restore.
func SetTileFeatureLimits(maxAll, head int) (restore func()) {
	m, h := maxTileFeatures, headFeatures
	maxTileFeatures, headFeatures = maxAll, head
	return func() { maxTileFeatures, headFeatures = m, h }
}

// SetPiecesAfter sets after how many uses a tile's pieces are made, until
// restore.
func SetPiecesAfter(n int32) (restore func()) {
	old := piecesAfter
	piecesAfter = n
	return func() { piecesAfter = old }
}
