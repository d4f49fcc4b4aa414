package app_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/app"
	"github.com/certlab/certlab/internal/app/apptest"
	"github.com/certlab/certlab/internal/schedule"
)

// countingMailer counts the e-mails sent to each subject.
type countingMailer struct {
	mu   sync.Mutex
	sent map[string]int
}

func (m *countingMailer) Send(_ context.Context, to, subject, _ string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.sent[to+": "+subject]++
	return nil
}

// Two servers (app.New twice) on one PostgreSQL database sweep for
// appointment reminders at the same moment, several times: each booked
// candidate gets exactly one reminder.
func TestAppointmentRemindersOnceAcrossServers(t *testing.T) {
	dsn := postgresDSN(t)
	ctx := context.Background()
	clk := apptest.NewClock(t0)
	mail := &countingMailer{sent: map[string]int{}}
	servers := []*app.App{
		apptest.New(t, app.Config{DB: dsn, Migrate: true, Now: clk.Now, Mailer: mail}),
		apptest.New(t, app.Config{DB: dsn, Migrate: true, Now: clk.Now, Mailer: mail}),
	}
	a := servers[0]
	admin, err := a.Accounts.Create(ctx, "admin@example.org", "Admin", "granite harbour kite 1234", certlab.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	st, err := a.Schedule.CreateSitting(ctx, admin, schedule.SittingRequest{Exam: "az-104", Start: "2026-12-01T09:00", TimeZone: "UTC", Capacity: 10, Delivery: certlab.DeliveryOnline, Proctored: true})
	if err != nil {
		t.Fatal(err)
	}
	var cands []*certlab.User
	for _, email := range []string{"a@example.org", "b@example.org", "c@example.org"} {
		u, err := a.Accounts.Create(ctx, email, "C", "kestrel orchard lamp 1234", certlab.RoleCandidate)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := servers[len(cands)%2].Schedule.Book(ctx, u, st.ID); err != nil {
			t.Fatal(err)
		}
		cands = append(cands, u)
	}
	clk.Set(st.StartsAt.Add(-23 * time.Hour))
	var wg sync.WaitGroup
	total := make([]int, 8)
	for i := range total {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := servers[i%2].Schedule.SendReminders(ctx)
			if err != nil {
				t.Errorf("sweep %d: %v", i, err)
			}
			total[i] = n
		}()
	}
	wg.Wait()
	sum := 0
	for _, n := range total {
		sum += n
	}
	if sum != len(cands) {
		t.Fatalf("8 concurrent sweeps on 2 servers sent %d reminders for %d bookings", sum, len(cands))
	}
	for _, u := range cands {
		if n := mail.sent[u.Email+": Reminder: AZ-104: Microsoft Azure Administrator on 1 December 09:00 UTC"]; n != 1 {
			t.Errorf("%s got %d reminders: %v", u.Email, n, mail.sent)
		}
	}
}
