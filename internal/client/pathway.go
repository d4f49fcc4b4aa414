package client

import (
	"context"
	"net/url"

	"github.com/certlab/certlab/internal/pathway"
)

// Pathways returns the signed-in candidate's pathway to every credential,
// or to one program's when program is set.
func (c *Client) Pathways(ctx context.Context, program string) ([]*pathway.Pathway, error) {
	path := "/api/v1/me/pathway"
	if program != "" {
		path += "?program=" + url.QueryEscape(program)
	}
	var out []*pathway.Pathway
	err := c.do(ctx, "GET", path, nil, &out)
	return out, err
}
