package api

import (
	"net/http"

	"github.com/certlab/certlab"
)

// jsonHandler makes a handler for a signed-in user of fn: it answers with
// fn's value as JSON under status, or with fn's error.
func (s *Server) jsonHandler(status int, fn func(r *http.Request, u *certlab.User) (any, error)) func(http.ResponseWriter, *http.Request, *certlab.User) {
	return func(w http.ResponseWriter, r *http.Request, u *certlab.User) {
		v, err := fn(r, u)
		if err != nil {
			s.error(w, r, err)
			return
		}
		writeJSON(w, status, v)
	}
}
