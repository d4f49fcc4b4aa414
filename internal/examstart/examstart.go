// Package examstart gathers what a candidate sees before an exam's clock
// starts, for the JSON API, the web UI and the terminal alike: the exam's
// facts and candidate agreement, whether the retake policy allows an
// attempt now, the credentials its program requires, the candidate's
// appointments (a proctored exam starts from an admitted one) and any open
// exam attempt.
package examstart

import (
	"context"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/credential"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/schedule"
)

// Info is the start page of an exam.
type Info struct {
	Facts         exam.Facts                `json:"facts"`
	Eligibility   *credential.Eligibility   `json:"eligibility,omitempty"`
	Prerequisites *credential.Prerequisites `json:"prerequisites,omitempty"`
	Appointments  []Appointment             `json:"appointments"`
	OpenAttempt   *certlab.Attempt          `json:"open_attempt,omitempty"`
}

// Appointment is one of the candidate's appointments for the exam, with
// its sitting.
type Appointment struct {
	*certlab.Appointment
	Sitting *certlab.Sitting `json:"sitting"`
	// Startable: admitted, not used, and the sitting still open.
	Startable bool `json:"startable"`
}

// Build gathers the start page; credentials and scheduling may be nil.
func Build(ctx context.Context, eng *exam.Engine, creds *credential.Service, sched *schedule.Service, u *certlab.User, ex *certlab.Exam) (*Info, error) {
	info := &Info{Facts: exam.ExamFacts(ex, u), Appointments: []Appointment{}}
	var err error
	if creds != nil && ex.Proctored() {
		if info.Eligibility, err = creds.Eligibility(ctx, u, ex, certlab.ModeExam); err != nil {
			return nil, err
		}
		if info.Prerequisites, err = creds.Prerequisites(ctx, u, ex); err != nil {
			return nil, err
		}
	}
	if sched != nil && ex.Proctored() {
		aps, err := sched.Appointments(ctx, u, 0)
		if err != nil {
			return nil, err
		}
		for _, ap := range aps {
			st, err := sched.Sitting(ctx, ap.SittingID)
			if err != nil || st.ExamID != ex.ID {
				continue
			}
			a := Appointment{Appointment: ap, Sitting: st}
			if ap.Status == certlab.AppointmentAdmitted {
				_, err := sched.Admission(ctx, u, ex, ap.ID)
				a.Startable = err == nil
			}
			info.Appointments = append(info.Appointments, a)
		}
	}
	if info.OpenAttempt, err = eng.OpenExamAttempt(ctx, u.ID); err != nil {
		return nil, err
	}
	return info, nil
}
