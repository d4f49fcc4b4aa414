package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net/url"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/exam"
	"github.com/certlab/certlab/internal/item"
)

// responseFromForm reads the answer to one question from posted form
// values, as the JSON value the engine checks; the item's kind knows the
// field names its template partial uses. An unanswered question is null.
func responseFromForm(v *item.View, f url.Values) (json.RawMessage, error) {
	k, ok := item.Lookup(v.Type)
	if !ok {
		return nil, certlab.Errorf(certlab.EINVALID, "%s questions (%s) are not answered in a form", v.Type, v.ID)
	}
	value, err := k.FromForm(v, f)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(value)
	if err != nil {
		return nil, fmt.Errorf("encode answer to %s: %w", v.ID, err)
	}
	return b, nil
}

// describe words a response value or a key with option texts.
func describe(v *item.View, value json.RawMessage) []string {
	k, ok := item.Lookup(v.Type)
	if !ok {
		return nil
	}
	return k.Describe(v, value)
}

// questionUI is a question prepared for its page: the stem, and the model
// of its kind's template partial ("item-<type>") with the saved answer
// filled in.
type questionUI struct {
	Type      string
	Title     string // the kind's name for people
	Stem      template.HTML
	Exhibit   string // Markdown; the partial places it
	Statement string
	Form      any
	Choose    int
	Reuse     bool
}

// buildQuestion prepares an item view and its saved value for the page.
func (h *Handler) buildQuestion(q *exam.QuestionView, saved json.RawMessage) questionUI {
	ui := questionUI{Type: q.Item.Type, Stem: h.markdown.HTML(q.Item.Stem), Exhibit: q.Item.Exhibit, Statement: q.Statement,
		Choose: q.Item.Choose, Reuse: q.Item.Reuse}
	if k, ok := item.Lookup(q.Item.Type); ok {
		ui.Title = k.Title()
		ui.Form = k.Form(&q.Item, saved)
	}
	return ui
}

// renderItem executes the template partial of a kind with its form model.
func (h *Handler) renderItem(ui questionUI) (template.HTML, error) {
	var b bytes.Buffer
	if err := h.items.ExecuteTemplate(&b, "item-"+ui.Type, ui); err != nil {
		return "", err
	}
	return template.HTML(b.String()), nil
}
