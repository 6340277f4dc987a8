package model

import "testing"

func TestOriginKinds(t *testing.T) {
	for o, want := range map[string]string{"online": "online", "import": "import", "letter": "letter", "phone": "phone",
		"paper": "paper", "table:3": "table", "fax": "", "Letter": "", "table:0": "", "": ""} {
		if got := OriginKind(o); got != want {
			t.Errorf("OriginKind(%q) = %q, want %q", o, got, want)
		}
		if ValidOrigin(o) != (want != "") {
			t.Errorf("ValidOrigin(%q) = %v", o, ValidOrigin(o))
		}
	}
}
