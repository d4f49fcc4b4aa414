// Package clientip finds the address of the client behind a request, for
// per-address rate limits: the peer address, or, when the peer is a
// trusted proxy (a load balancer, an ingress), the address it forwarded in
// X-Forwarded-For. The address travels in the request context, so the
// services below the HTTP layer (sign-in, registration) can throttle by it.
package clientip

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Resolver finds client addresses. Its zero value trusts no proxy.
type Resolver struct {
	// Trusted are the networks of proxies whose X-Forwarded-For is
	// believed.
	Trusted []netip.Prefix
}

// ParseTrusted reads a comma-separated list of addresses and networks
// ("10.0.0.0/8, 127.0.0.1").
func ParseTrusted(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, fmt.Errorf("%q is not an address or network", f)
			}
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("%q is not an address or network", f)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func (r Resolver) trusted(a netip.Addr) bool {
	for _, p := range r.Trusted {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// Of returns the client address of the request: the peer, or, walking
// X-Forwarded-For from the right while the hop is a trusted proxy, the
// first address that is not one. IPv6 clients are grouped by /64, the
// block one client usually holds.
func (r Resolver) Of(req *http.Request) string {
	host, _, err := net.SplitHostPort(req.RemoteAddr)
	if err != nil {
		host = req.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	if r.trusted(a) {
		hops := strings.Split(strings.Join(req.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			h, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break
			}
			a = h
			if !r.trusted(h) {
				break
			}
		}
	}
	return group(a)
}

func group(a netip.Addr) string {
	a = a.Unmap()
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.String()
	}
	return a.String()
}

type ctxKey struct{}

// With returns ctx carrying the client address.
func With(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, ctxKey{}, addr)
}

// From returns the client address in ctx, or "" outside a request.
func From(ctx context.Context) string {
	s, _ := ctx.Value(ctxKey{}).(string)
	return s
}

// Middleware puts the client address of every request in its context.
func (r Resolver) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		next.ServeHTTP(w, req.WithContext(With(req.Context(), r.Of(req))))
	})
}
