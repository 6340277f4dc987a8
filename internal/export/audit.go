package export

import (
	"context"

	"github.com/mitreden/mitreden/internal/model"
)

// Auditor is where exports are recorded. The SQLite store satisfies it.
type Auditor interface {
	Audit(ctx context.Context, actor, action, subject string, before, after any) error
}

// Record writes to the audit log that actor exported procedure p in
// format f.
func Record(ctx context.Context, st Auditor, actor string, p *model.Procedure, f Format) error {
	return st.Audit(ctx, actor, "export", p.Slug, nil, map[string]string{"format": string(f)})
}

// RecordAnalysis writes to the audit log that actor downloaded procedure
// p's analysis in format f.
func RecordAnalysis(ctx context.Context, st Auditor, actor string, p *model.Procedure, f AnalysisFormat) error {
	return st.Audit(ctx, actor, "export", p.Slug, nil, map[string]string{"format": "analysis." + string(f)})
}
