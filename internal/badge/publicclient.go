package badge

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// NewPublicHTTPClient returns an HTTP client for the fetches that an
// untrusted credential triggers (issuer profiles, DID documents, status
// lists) on a server: it connects only to public Internet addresses, never
// to loopback, private, link-local, shared (CGNAT) or other special ranges,
// so a credential pasted into the public verification page cannot make the
// server probe its own network. The check runs on the address actually
// dialled, after DNS resolution, so DNS rebinding does not get around it.
func NewPublicHTTPClient(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{
		Timeout: 10 * time.Second,
		Control: func(network, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return fmt.Errorf("dial %s: %w", address, err)
			}
			ip, err := netip.ParseAddr(host)
			if err != nil {
				return fmt.Errorf("dial %s: %w", address, err)
			}
			if !IsPublicAddr(ip) {
				return fmt.Errorf("dial %s: %s is not a public Internet address; certlab does not fetch from it on behalf of a credential", address, ip)
			}
			return nil
		},
	}
	tr := &http.Transport{
		DialContext:            dialer.DialContext,
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  10 * time.Second,
		MaxResponseHeaderBytes: 64 << 10,
		ForceAttemptHTTP2:      true,
	}
	return &http.Client{Transport: tr, Timeout: timeout}
}

// sharedAddressSpace is 100.64.0.0/10 (RFC 6598, carrier-grade NAT).
var sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")

// IsPublicAddr reports whether ip is a global unicast address outside the
// private, loopback, link-local and shared ranges.
func IsPublicAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsValid() && ip.IsGlobalUnicast() && !ip.IsPrivate() && !ip.IsLoopback() &&
		!ip.IsLinkLocalUnicast() && !sharedAddressSpace.Contains(ip)
}
