package store

// CloseReadsForTest closes the read pool, so that a test can tell answers
// from memory from answers that need a query.
func CloseReadsForTest(s *Store) error { return s.read.Close() }
