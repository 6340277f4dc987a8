package config_test

import (
	"strings"
	"testing"
)

// The analysis' background threshold comes from the variable or the flag,
// a whole number ≥ 0 (0: the built-in one); anything else is refused.
func TestAnalysisBackgroundIsAWholeNumber(t *testing.T) {
	if c, err := serve(t, map[string]string{"MITREDEN_ANALYSIS_BACKGROUND": "500"}); err != nil || c.AnalysisBackground != 500 {
		t.Fatalf("env: %d %v", c.AnalysisBackground, err)
	}
	if c, err := serve(t, map[string]string{"MITREDEN_ANALYSIS_BACKGROUND": "500"}, "--analysis-background", "20"); err != nil || c.AnalysisBackground != 20 {
		t.Fatalf("the flag over the variable: %d %v", c.AnalysisBackground, err)
	}
	if c, err := serve(t, nil); err != nil || c.AnalysisBackground != 0 {
		t.Fatalf("default: %d %v", c.AnalysisBackground, err)
	}
	for _, bad := range []string{"-1", "viele"} {
		if _, err := serve(t, map[string]string{"MITREDEN_ANALYSIS_BACKGROUND": bad}); err == nil || !strings.Contains(err.Error(), "MITREDEN_ANALYSIS_BACKGROUND") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if _, err := serve(t, nil, "--analysis-background", "-5"); err == nil || !strings.Contains(err.Error(), "--analysis-background") {
		t.Errorf("negative flag: %v", err)
	}
}
