package api_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/pathway"
)

// Accommodation requests over HTTP: a candidate asks, lists and
// withdraws; only an admin lists everyone's and decides; an approved
// extra-time request shows on the account.
func TestAccommodationsOverHTTP(t *testing.T) {
	ts := startServer(t)
	admin := newClient(t, ts.URL)
	admin.register("admin@example.org")
	cand := newClient(t, ts.URL)
	me := cand.register("cand@example.org")

	cand.wantError("POST", "/api/v1/accommodations", map[string]any{"kind": "extra-time"}, http.StatusBadRequest, certlab.EINVALID)
	cand.wantError("POST", "/api/v1/accommodations", map[string]any{"kind": "extra-time", "extra_time_pct": 50, "colour": "red"}, http.StatusBadRequest, certlab.EINVALID)
	var r certlab.AccommodationRequest
	if st, raw := cand.do("POST", "/api/v1/accommodations", map[string]any{"kind": "extra-time", "extra_time_pct": 50, "details": "dyslexia"}, &r); st != http.StatusCreated || r.Status != "requested" {
		t.Fatalf("request: %d %s", st, raw)
	}
	cand.wantError("POST", "/api/v1/accommodations", map[string]any{"kind": "extra-time", "extra_time_pct": 25}, http.StatusConflict, certlab.ECONFLICT)
	var other certlab.AccommodationRequest
	cand.must("POST", "/api/v1/accommodations", map[string]any{"kind": "breaks", "details": "a break every hour"}, &other)
	cand.must("POST", fmt.Sprintf("/api/v1/accommodations/%d/withdraw", other.ID), nil, nil)

	cand.wantError("GET", "/api/v1/accommodations?all=true", nil, http.StatusForbidden, certlab.EFORBIDDEN)
	cand.wantError("POST", fmt.Sprintf("/api/v1/accommodations/%d/decision", r.ID), map[string]any{"approve": true}, http.StatusForbidden, certlab.EFORBIDDEN)
	var open []certlab.AccommodationRequest
	admin.must("GET", "/api/v1/accommodations?all=true&status=requested", nil, &open)
	if len(open) != 1 || open[0].ID != r.ID || open[0].UserID != me.ID {
		t.Fatalf("open requests: %+v", open)
	}
	var d certlab.AccommodationRequest
	admin.must("POST", fmt.Sprintf("/api/v1/accommodations/%d/decision", r.ID), map[string]any{"approve": true, "note": "report checked"}, &d)
	if d.Status != "approved" || d.DecisionNote != "report checked" {
		t.Fatalf("decision: %+v", d)
	}
	admin.wantError("POST", fmt.Sprintf("/api/v1/accommodations/%d/decision", r.ID), map[string]any{"approve": false}, http.StatusConflict, certlab.ECONFLICT)
	var mine []certlab.AccommodationRequest
	cand.must("GET", "/api/v1/accommodations", nil, &mine)
	if len(mine) != 2 || mine[0].Status != "approved" || mine[1].Status != "withdrawn" {
		t.Fatalf("mine: %+v", mine)
	}
	var u certlab.User
	cand.must("GET", "/api/v1/me", nil, &u)
	if u.ExtraTimePct != 50 {
		t.Fatalf("extra time %d", u.ExtraTimePct)
	}
}

// GET /api/v1/me/pathway gives every program's pathway; ?program= one.
func TestPathwayOverHTTP(t *testing.T) {
	ts := startServer(t)
	cand := newClient(t, ts.URL)
	cand.register("cand@example.org")
	var all []pathway.Pathway
	cand.must("GET", "/api/v1/me/pathway", nil, &all)
	if len(all) != len(ts.Catalog.Programs) {
		t.Fatalf("%d pathways", len(all))
	}
	var one []pathway.Pathway
	cand.must("GET", "/api/v1/me/pathway?program=devops-engineer-expert", nil, &one)
	if len(one) != 1 || len(one[0].Stages) != 2 || one[0].Next == nil || one[0].Next.Kind != pathway.ActStudy {
		t.Fatalf("expert pathway: %+v", one)
	}
	cand.wantError("GET", "/api/v1/me/pathway?program=nope", nil, http.StatusNotFound, certlab.ENOTFOUND)
	anon := newClient(t, ts.URL)
	anon.wantError("GET", "/api/v1/me/pathway", nil, http.StatusUnauthorized, certlab.EUNAUTHORIZED)
}
