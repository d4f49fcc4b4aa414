package exam

import (
	"context"

	"github.com/certlab/certlab"
)

// withoutRetired returns the exam as new forms see it: without the items
// authors retired (certlab.AuthoringStore). The catalog's exam is not
// changed, so attempts that already hold a retired item are scored and
// shown as before; only forms assembled from now on leave it out.
func (e *Engine) withoutRetired(ctx context.Context, ex *certlab.Exam) (*certlab.Exam, error) {
	retired, err := e.Store.RetiredItems(ctx)
	if err != nil {
		return nil, err
	}
	return WithoutRetired(ex, retired), nil
}

// WithoutRetired returns a copy of ex whose items leave out the retired
// ones (ex itself when none of its items is retired).
func WithoutRetired(ex *certlab.Exam, retired map[certlab.ItemRef]bool) *certlab.Exam {
	if len(retired) == 0 {
		return ex
	}
	var keep []*certlab.Item
	for _, it := range ex.Items {
		if !retired[certlab.ItemRef{ExamID: it.ExamID, ItemID: it.ID}] {
			keep = append(keep, it)
		}
	}
	if len(keep) == len(ex.Items) {
		return ex
	}
	cp := *ex
	cp.Items = keep
	return &cp
}

// checkNotRetired refuses an explicit request for retired items.
func checkNotRetired(ex, all *certlab.Exam, ids []string) error {
	for _, id := range ids {
		if _, ok := ex.Item(id); !ok {
			if _, exists := all.Item(id); exists {
				return certlab.Errorf(certlab.EINVALID, "item %s is retired: it is no longer used in new forms or practice sets", id)
			}
		}
	}
	return nil
}
