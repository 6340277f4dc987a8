package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Appointments that are over stay on the procedure page, marked as past
// in words (not by colour alone); the coming ones are not.
func TestPastAppointmentsAreMarked(t *testing.T) {
	e := newEnv(t, nil)
	p := e.proc(t, slug)
	ctx := context.Background()
	now := time.Now()
	for _, a := range []model.Appointment{
		{Title: "Auftakt im Stadtteilzentrum", StartsAt: now.AddDate(0, 0, -3), EndsAt: now.AddDate(0, 0, -3).Add(2 * time.Hour)},
		{Title: "Planungswerkstatt im Park", StartsAt: now.AddDate(0, 0, 5), EndsAt: now.AddDate(0, 0, 5).Add(2 * time.Hour)},
	} {
		if err := e.st.AddAppointment(ctx, p.ID, a, store.Audited{Actor: "t", Action: "appointment.add"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct{ lang, past string }{{"de", "vorbei"}, {"en", "past"}} {
		body := e.do(t, "GET", "/p/"+slug+"?lang="+c.lang, "", "").body
		item := func(title string) string {
			i := strings.Index(body, title)
			if i < 0 {
				t.Fatalf("%s: %q not on the page", c.lang, title)
			}
			return body[strings.LastIndex(body[:i], "<li"):i]
		}
		if past := item("Auftakt im Stadtteilzentrum"); !strings.Contains(past, `class="appointment-past"`) || !strings.Contains(past, ">"+c.past+"</span>") {
			t.Errorf("%s: the past appointment is not marked: %q", c.lang, past)
		}
		if coming := item("Planungswerkstatt im Park"); strings.Contains(coming, "appointment-past") {
			t.Errorf("%s: a coming appointment is marked as past: %q", c.lang, coming)
		}
	}
}
