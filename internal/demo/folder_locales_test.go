package demo

import (
	"reflect"
	"testing"
	"testing/fstest"
	"time"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

type mapFolder fstest.MapFS

func (m mapFolder) WriteFile(name string, data []byte) error {
	m[name] = &fstest.MapFile{Data: data}
	return nil
}

// TestExportedFolderKeepsThePartsTranslations writes a procedure whose
// phase, appointment and plan variant carry Turkish, Arabic and Ukrainian
// texts as a folder and reads it back with the same texts.
func TestExportedFolderKeepsThePartsTranslations(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	phase := model.Texts{}.With("title", "tr", "Katılın").With("title", "ar", "شاركوا")
	appt := model.Texts{}.With("title", "uk", "Прогулянка").With("description", "uk", "На березі.")
	conc := model.Texts{}.With("title", "tr", "Bol çayır").With("body_md", "tr", "Çayır.").With("image_alt", "ar", "مخطط")
	seed := store.ProcedureSeed{Procedure: model.Procedure{Slug: "rund", Title: "Rund", Settings: model.DefaultSettings(),
		Phases: []model.Phase{{Kind: model.PhaseParticipation, Title: "Mitmachen", StartsAt: now, EndsAt: now.Add(48 * time.Hour), Texts: phase}}},
		Appointments: []model.Appointment{{Title: "Spaziergang", StartsAt: now, EndsAt: now.Add(time.Hour), Location: &orb.Point{9.9, 53.5}, Texts: appt}},
		Conceptions:  []model.Conception{{Key: "wiese", Title: "Wiese", BodyMD: "Wiese.", Texts: conc}}}
	out := mapFolder{}
	if err := WriteProcedure(out, seed); err != nil {
		t.Fatal(err)
	}
	back, err := ReadProcedure(fstest.MapFS(out), now)
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Procedure.Phases[0].Texts; !reflect.DeepEqual(got, phase) {
		t.Errorf("phase texts %v, want %v", got, phase)
	}
	if got := back.Appointments[0].Texts; !reflect.DeepEqual(got, appt) {
		t.Errorf("appointment texts %v, want %v", got, appt)
	}
	if got := back.Conceptions[0].Texts; !reflect.DeepEqual(got, conc) {
		t.Errorf("variant texts %v, want %v", got, conc)
	}
}
