package app

import (
	"github.com/mitreden/mitreden/internal/accounts"
	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/export"
	"github.com/mitreden/mitreden/internal/feedback"
	"github.com/mitreden/mitreden/internal/lifecycle"
	"github.com/mitreden/mitreden/internal/mail"
	"github.com/mitreden/mitreden/internal/moderation"
	"github.com/mitreden/mitreden/internal/ogcapi"
	"github.com/mitreden/mitreden/internal/participation"
	"github.com/mitreden/mitreden/internal/procedures"
	"github.com/mitreden/mitreden/internal/retention"
	"github.com/mitreden/mitreden/internal/site"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/viewport"
	"github.com/mitreden/mitreden/internal/workshop"
)

// The seams: each capability states what it needs of the data store as an
// interface in its own package, and the SQLite store satisfies all of
// them. A second store (PostgreSQL with PostGIS, say) is added beside it by
// satisfying the same interfaces; these lines fail to compile as soon as a
// store misses a method a capability needs.
var (
	_ participation.Store = (*store.Store)(nil)
	_ moderation.Store    = (*store.Store)(nil)
	_ export.Store        = (*store.Store)(nil)
	_ export.Auditor      = (*store.Store)(nil)
	_ accounts.Store      = (*store.Store)(nil)
	_ analysis.Store      = (*store.Store)(nil)
	_ workshop.Store      = (*store.Store)(nil)
	_ ogcapi.Store        = (*store.Store)(nil)
	_ retention.Store     = (*store.Store)(nil)
	_ feedback.Store      = (*store.Store)(nil)
	_ site.Store          = (*store.Store)(nil)
	_ mail.Store          = (*store.Store)(nil)
	_ accounts.ScopeStore = (*store.Store)(nil)
	_ lifecycle.Store     = (*store.Store)(nil)
	_ procedures.Store    = (*store.Store)(nil)
	// The OGC API's items come from the viewports' kept tiles.
	_ ogcapi.Pages = (*viewport.Service)(nil)
)
