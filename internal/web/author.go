package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/authoring"
	"github.com/certlab/certlab/internal/item"
	"github.com/certlab/certlab/internal/lab"
)

// The author console (/author…): browse and preview the bank, lint,
// flags and retirement, item analysis and calibration. Authors and admins
// only; nothing on these pages names a candidate.

// withRole lets only users with one of the roles through: visitors go to
// sign in, others get 403.
func (h *Handler) withRole(next func(http.ResponseWriter, *http.Request, *certlab.User), roles ...string) http.HandlerFunc {
	return h.signedIn(func(w http.ResponseWriter, r *http.Request, u *certlab.User) {
		if err := certlab.RequireRole(u, roles...); err != nil {
			h.fail(w, r, err)
			return
		}
		next(w, r, u)
	})
}

func (h *Handler) author(next func(http.ResponseWriter, *http.Request, *certlab.User)) http.HandlerFunc {
	return h.withRole(func(w http.ResponseWriter, r *http.Request, u *certlab.User) {
		if h.cfg.Authoring == nil {
			h.fail(w, r, certlab.Errorf(certlab.ENOTFOUND, "the author console is not available on this server"))
			return
		}
		next(w, r, u)
	}, certlab.RoleAuthor, certlab.RoleAdmin)
}

type browseData struct {
	Q       string
	Query   authoring.Query
	Facets  *authoring.Facets
	Page    *authoring.Page
	Prev    string
	Next    string
	Kinds   []string
	Models  []string
	Lint    authoring.Lint
	Results []*certlab.CalibrationRun
}

// authorBrowse lists and searches the bank. The filter menus and the
// search box make one query (the box's text wins where both set a filter).
func (h *Handler) authorBrowse(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	ctx := r.Context()
	v := r.URL.Query()
	text := strings.TrimSpace(v.Get("q"))
	for _, f := range []string{"pack", "exam", "pool", "objective", "kind", "type"} {
		if val := strings.TrimSpace(v.Get(f)); val != "" && !strings.Contains(text, f+":") {
			text += " " + f + ":" + strconv.Quote(val)
		}
	}
	for _, st := range v["is"] {
		if st != "" && !strings.Contains(text, "is:"+st) {
			text += " is:" + st
		}
	}
	d := browseData{Kinds: []string{authoring.KindItem, authoring.KindCase, authoring.KindModule, authoring.KindLab}}
	var err error
	if d.Facets, err = h.cfg.Authoring.Facets(ctx, u); err != nil {
		h.fail(w, r, err)
		return
	}
	q, perr := authoring.ParseQuery(strings.TrimSpace(text))
	d.Q, d.Query = strings.TrimSpace(text), q
	msg := ""
	status := http.StatusOK
	if perr != nil {
		msg, status = "Search: "+perr.Error(), http.StatusBadRequest
		q = authoring.Query{}
	}
	pageNo, _ := strconv.Atoi(v.Get("page"))
	if d.Page, err = h.cfg.Authoring.Browse(ctx, u, q, pageNo); err != nil {
		h.fail(w, r, err)
		return
	}
	link := func(p int) string {
		return "/author?" + url.Values{"q": {q.String()}, "page": {strconv.Itoa(p)}}.Encode()
	}
	if d.Page.Page > 1 {
		d.Prev = link(d.Page.Page - 1)
	}
	if d.Page.Page < d.Page.Pages {
		d.Next = link(d.Page.Page + 1)
	}
	if d.Lint, err = h.cfg.Authoring.Lint(ctx, u); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, "author_browse", page{Title: "Author console", Error: msg, Data: d})
}

// authorLint shows the lint results of the loaded packs.
func (h *Handler) authorLint(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	l, err := h.cfg.Authoring.Lint(r.Context(), u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "author_lint", page{Title: "Lint results", Data: l})
}

// itemPreview is an item prepared for the preview page.
type itemPreview struct {
	Item       *certlab.Item
	Status     *certlab.ItemStatus
	Kind       string
	UI         questionUI
	Statements []statementTab
	Statement  string // the statement shown (yes/no series)
	Key        []string
	Options    []optionKey
	Explain    template.HTML
	StmtExpl   template.HTML
	Case       *certlab.Case
	Objectives []string
	Stats      *authoring.ItemResult
	Run        *certlab.CalibrationRun
	Base       string // the item's console URL
}

type statementTab struct {
	ID, Text string
	Current  bool
}

type optionKey struct {
	Letter    string
	Text      string
	Key       bool
	Rationale template.HTML
}

// itemRef reads {exam} and {item}.
func itemRef(r *http.Request) certlab.ItemRef {
	return certlab.ItemRef{ExamID: r.PathValue("exam"), ItemID: r.PathValue("item")}
}

func itemURL(ref certlab.ItemRef) string {
	return "/author/items/" + url.PathEscape(ref.ExamID) + "/" + url.PathEscape(ref.ItemID)
}

// authorItem previews an item as a candidate sees it (its kind's partial,
// choices in the authored order) with the key, the explanation, the
// rationales, its status and its latest analysis beside it.
func (h *Handler) authorItem(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	h.renderItemPreview(w, r, u, http.StatusOK, "")
}

func (h *Handler) renderItemPreview(w http.ResponseWriter, r *http.Request, u *certlab.User, status int, msg string) {
	ctx := r.Context()
	ref := itemRef(r)
	it, st, err := h.cfg.Authoring.Item(ctx, u, ref)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	k := item.Of(it)
	d := itemPreview{Item: it, Status: st, Kind: k.Title(), Base: itemURL(ref)}
	stmt := ""
	if ids := k.Statements(it); len(ids) > 1 || ids[0] != "" {
		stmt = r.URL.Query().Get("statement")
		if stmt == "" {
			stmt = ids[0]
		}
		found := false
		for _, s := range it.Statements {
			cur := s.ID == stmt
			found = found || cur
			d.Statements = append(d.Statements, statementTab{ID: s.ID, Text: s.Text, Current: cur})
			if cur {
				d.Statement, d.StmtExpl = s.Text, h.markdown.HTML(s.Explanation)
			}
		}
		if !found {
			h.fail(w, r, certlab.Errorf(certlab.ENOTFOUND, "item %s has no statement %q", it.ID, stmt))
			return
		}
	}
	v := k.View(it, nil)
	d.UI = questionUI{Type: it.Type, Title: k.Title(), Stem: h.markdown.HTML(v.Stem), Exhibit: v.Exhibit, Statement: d.Statement,
		Choose: v.Choose, Reuse: v.Reuse, Form: k.Form(&v, nil)}
	if key, err := json.Marshal(k.Key(it, stmt)); err == nil {
		d.Key = k.Describe(&v, key)
	}
	keyed := map[string]bool{}
	switch key := k.Key(it, stmt).(type) {
	case string:
		keyed[key] = true
	case []string:
		for _, x := range key {
			keyed[x] = true
		}
	}
	for i, o := range it.Options {
		d.Options = append(d.Options, optionKey{Letter: string(rune('A' + i%26)), Text: o.Text, Key: keyed[o.ID], Rationale: h.markdown.HTML(it.Rationale[o.ID])})
	}
	d.Explain = h.markdown.HTML(it.Explanation)
	if it.CaseID != "" {
		if ex, err := h.cfg.Catalog.Exam(it.ExamID); err == nil {
			d.Case, _ = ex.Case(it.CaseID)
		}
	}
	for ver, obs := range it.Objectives {
		d.Objectives = append(d.Objectives, ver+": "+strings.Join(obs, ", "))
	}
	if run, res, err := h.cfg.Authoring.Latest(ctx, u, it.ExamID); err == nil && res != nil {
		d.Run, d.Stats = run, res.Item(it.ID)
	}
	h.render(w, r, status, "author_item", page{Title: "Item " + it.ID, Error: msg, Data: d})
}

// authorFlag sets or clears an item's flag.
func (h *Handler) authorFlag(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	ref := itemRef(r)
	flagged := r.PostFormValue("flagged") != "off"
	if _, err := h.cfg.Authoring.Flag(r.Context(), u, ref, flagged, r.PostFormValue("note")); err != nil {
		h.formError(w, r, u, err, h.renderItemPreview)
		return
	}
	http.Redirect(w, r, itemURL(ref)+"#status", http.StatusSeeOther)
}

// authorRetire retires or reinstates an item.
func (h *Handler) authorRetire(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	ref := itemRef(r)
	retire := r.PostFormValue("action") != "reinstate"
	if _, err := h.cfg.Authoring.Retire(r.Context(), u, ref, retire, r.PostFormValue("reason")); err != nil {
		h.formError(w, r, u, err, h.renderItemPreview)
		return
	}
	http.Redirect(w, r, itemURL(ref)+"#status", http.StatusSeeOther)
}

// formError shows a refused form's page again with the error at the top
// when the thing exists (invalid input, a conflict); other errors (not
// found, forbidden) get the error page.
func (h *Handler) formError(w http.ResponseWriter, r *http.Request, u *certlab.User, err error,
	again func(http.ResponseWriter, *http.Request, *certlab.User, int, string)) {
	switch code := certlab.ErrorCode(err); code {
	case certlab.EINVALID, certlab.ECONFLICT:
		again(w, r, u, statusOf(code), certlab.ErrorMessage(err))
	default:
		h.fail(w, r, err)
	}
}

func statusOf(code string) int {
	if code == certlab.ECONFLICT {
		return http.StatusConflict
	}
	return http.StatusBadRequest
}

type casePreview struct {
	Case  *certlab.Case
	Exam  string
	Items []*certlab.Item
}

// authorCase shows a case study's exhibits as the exam shows them, with
// links to its questions.
func (h *Handler) authorCase(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	c, items, err := h.cfg.Authoring.Case(r.Context(), u, r.PathValue("exam"), r.PathValue("case"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "author_case", page{Title: "Case study " + c.Title, Data: casePreview{Case: c, Exam: r.PathValue("exam"), Items: items}})
}

// authorModule shows a module as the learning page shows it.
func (h *Handler) authorModule(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	p, m, err := h.cfg.Authoring.Module(r.Context(), u, r.PathValue("program"), r.PathValue("module"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "author_module", page{Title: "Module " + m.Title, Data: moduleData{Program: p, Module: m, Body: h.markdown.HTML(m.Body)}})
}

type labPreview struct {
	Lab          *lab.Lab
	Instructions template.HTML
	Objectives   []string
}

// authorLab shows a lab's instructions (its README, as a candidate reads
// them) with its tasks and their checks: the lab's "key".
func (h *Handler) authorLab(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	l, err := h.cfg.Authoring.Lab(r.Context(), u, r.PathValue("lab"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := labPreview{Lab: l, Instructions: h.markdown.HTML(l.Instructions)}
	for ver, obs := range l.Objectives {
		d.Objectives = append(d.Objectives, ver+": "+strings.Join(obs, ", "))
	}
	h.render(w, r, http.StatusOK, "author_lab", page{Title: "Lab " + l.Title, Data: d})
}

type analysisData struct {
	Exam   *certlab.Exam
	Exams  []*certlab.Exam
	Runs   []*certlab.CalibrationRun
	Run    *certlab.CalibrationRun
	Result *authoring.Result
	Models []string
	Min    int
}

// authorAnalysis shows an exam's latest item analysis, its calibration
// runs and the form that starts one.
func (h *Handler) authorAnalysis(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	h.renderAnalysis(w, r, u, http.StatusOK, "")
}

func (h *Handler) renderAnalysis(w http.ResponseWriter, r *http.Request, u *certlab.User, status int, msg string) {
	ctx := r.Context()
	d := analysisData{Models: authoring.Models, Min: authoring.DefaultMinResponses}
	for _, p := range h.cfg.Catalog.Programs {
		for _, ex := range p.Exams {
			if ex.Bank == "" {
				d.Exams = append(d.Exams, ex)
			}
		}
	}
	examID := r.FormValue("exam")
	if examID == "" && len(d.Exams) > 0 {
		examID = d.Exams[0].ID
	}
	var err error
	if d.Exam, err = h.cfg.Catalog.Exam(examID); err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Runs, err = h.cfg.Authoring.Runs(ctx, u, d.Exam.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	if d.Run, d.Result, err = h.cfg.Authoring.Latest(ctx, u, d.Exam.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, "author_analysis", page{Title: "Item analysis: " + d.Exam.ID, Error: msg, Data: d})
}

// authorCalibrate starts a calibration and shows its progress page.
func (h *Handler) authorCalibrate(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	min := 0
	if v := strings.TrimSpace(r.PostFormValue("min_responses")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			h.renderAnalysis(w, r, u, http.StatusBadRequest, fmt.Sprintf("minimum responses %q is not a whole number", v))
			return
		}
		min = n
	}
	run, err := h.cfg.Authoring.StartCalibration(r.Context(), u, authoring.CalibrationRequest{Exam: r.PostFormValue("exam"), Model: r.PostFormValue("model"), MinResponses: min})
	if err != nil {
		h.formError(w, r, u, err, h.renderAnalysis)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/author/calibrations/%d", run.ID), http.StatusSeeOther)
}

type runData struct {
	Run     *certlab.CalibrationRun
	Result  *authoring.Result
	Percent int
	// Follow reloads the page while the run runs (?follow=off stops).
	Follow bool
}

func runID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, certlab.Errorf(certlab.ENOTFOUND, "no calibration run %q", r.PathValue("id"))
	}
	return id, nil
}

// authorRun shows a calibration's progress (the page reloads itself every
// two seconds while it runs, unless the author stops it; no script
// needed) or its result.
func (h *Handler) authorRun(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	h.renderRun(w, r, u, http.StatusOK, "")
}

func (h *Handler) renderRun(w http.ResponseWriter, r *http.Request, u *certlab.User, status int, msg string) {
	id, err := runID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	run, res, err := h.cfg.Authoring.Run(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	d := runData{Run: run, Result: res, Percent: int(100 * run.Progress), Follow: r.URL.Query().Get("follow") != "off"}
	if run.Status == certlab.RunRunning && d.Follow {
		// Reload every two seconds, without script: the Refresh header is
		// the HTTP form of <meta http-equiv="refresh">. The page says so
		// and offers to stop (WCAG 2.2.1: a time limit the user can turn
		// off); axe-core's meta-refresh rule flags any meta element,
		// whatever control the page offers, hence the header.
		w.Header().Set("Refresh", "2")
	}
	h.render(w, r, status, "author_run", page{Title: fmt.Sprintf("Calibration %d: %s", run.ID, run.ExamID), Error: msg, Data: d})
}

// authorApply writes a run's parameters to the exam's item parameters.
func (h *Handler) authorApply(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := runID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.cfg.Authoring.Apply(r.Context(), u, id, r.PostFormValue("reason")); err != nil {
		h.formError(w, r, u, err, h.renderRun)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/author/calibrations/%d", id), http.StatusSeeOther)
}

// authorReport serves a run's self-contained HTML item report
// (internal/irt/itemreport) with SVG curves and distractor plots. Its CSP
// allows no script and only the report's own styles.
func (h *Handler) authorReport(w http.ResponseWriter, r *http.Request, u *certlab.User) {
	id, err := runID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	b, err := h.cfg.Authoring.Report(r.Context(), u, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The SVG legends carry style attributes, so styles are allowed
	// inline; scripts are not allowed at all.
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(b)
}
