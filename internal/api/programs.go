package api

import (
	"net/http"

	"github.com/certlab/certlab"
)

// ProgramSummary is a program in the list.
type ProgramSummary struct {
	ID          string   `json:"id"`
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Level       string   `json:"level"`
	Exams       []string `json:"exams"`
}

func (s *Server) listPrograms(w http.ResponseWriter, r *http.Request) {
	out := []ProgramSummary{}
	for _, p := range s.Catalog.Programs {
		ps := ProgramSummary{ID: p.ID, Name: p.Name, Description: p.Description, Level: p.Level}
		for _, e := range p.Exams {
			ps.Exams = append(ps.Exams, e.ID)
		}
		out = append(out, ps)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getProgram(w http.ResponseWriter, r *http.Request) {
	p, err := s.Catalog.Program(r.PathValue("id"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// ExamInfo is an exam's public blueprint: outlines, policy and bank size.
type ExamInfo struct {
	*certlab.Exam
	ItemCount int `json:"item_count"`
	CaseCount int `json:"case_count"`
}

func (s *Server) getExam(w http.ResponseWriter, r *http.Request) {
	ex, err := s.Catalog.Exam(r.PathValue("id"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ExamInfo{Exam: ex, ItemCount: len(ex.Items), CaseCount: len(ex.Cases)})
}
