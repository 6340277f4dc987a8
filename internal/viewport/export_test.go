package viewport

// Collection exposes collection to the tests.
var Collection = collection
