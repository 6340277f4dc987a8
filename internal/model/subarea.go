package model

import "github.com/paulmach/orb"

// SubArea is a named part of a procedure's area that planners draw (a
// quarter, a part of a park); the analysis counts contributions per
// sub-area.
type SubArea struct {
	ID   int64
	Name string
	Area orb.Polygon
}

// SubAreaNameMax bounds a sub-area's name.
const SubAreaNameMax = 80
