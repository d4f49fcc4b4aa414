package pipelines

import (
	"crypto/sha256"
	"sync"
)

// ParseCache keeps parsed files between expansions, keyed by name and
// content, so that an editor expanding a pipeline again after an edit
// parses only the file that changed. Parsed trees are never modified, so
// expansions share them. It is safe for concurrent use; the zero value is
// ready.
type ParseCache struct {
	mu      sync.Mutex
	entries map[cacheKey]cacheEntry
}

type cacheKey struct {
	display, path string
	sum           [sha256.Size]byte
}

type cacheEntry struct {
	root *Node
	err  error
}

// maxCacheEntries bounds the cache: past it, the cache starts afresh.
const maxCacheEntries = 4096

func (c *ParseCache) parse(display, path string, data []byte) (*Node, error) {
	k := cacheKey{display: display, path: path, sum: sha256.Sum256(data)}
	c.mu.Lock()
	e, ok := c.entries[k]
	c.mu.Unlock()
	if ok {
		return e.root, e.err
	}
	root, err := parseYAML(display, path, data)
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= maxCacheEntries {
		c.entries = map[cacheKey]cacheEntry{}
	}
	c.entries[k] = cacheEntry{root, err}
	c.mu.Unlock()
	return root, err
}

// parse parses a file read by the expander, through the cache when there is one.
func (x *expander) parse(display, path string, data []byte) (*Node, error) {
	if x.opts.Cache != nil {
		return x.opts.Cache.parse(display, path, data)
	}
	return parseYAML(display, path, data)
}
