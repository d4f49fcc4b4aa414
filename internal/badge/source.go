package badge

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// ReadCredential reads a credential to verify from src: a file path, "-"
// for stdin, or an http(s) URL (fetched with client, nil meaning a client
// with a 10 s timeout). A PNG or SVG image is read as a baked badge: the
// credential inside it is returned. The content is not trusted in any way
// by being fetched: the verifier checks it.
func ReadCredential(ctx context.Context, src string, stdin io.Reader, client *http.Client) ([]byte, error) {
	var (
		data []byte
		err  error
	)
	switch {
	case src == "-":
		data, err = io.ReadAll(io.LimitReader(stdin, MaxImageBytes+1))
		if err != nil {
			return nil, fmt.Errorf("read credential from stdin: %w", err)
		}
	case strings.HasPrefix(src, "https://") || strings.HasPrefix(src, "http://"):
		if client == nil {
			client = &http.Client{Timeout: 10 * time.Second}
		}
		if data, err = fetch(ctx, client, src, MaxImageBytes); err != nil {
			return nil, fmt.Errorf("fetch credential: %w", err)
		}
	default:
		f, err := os.Open(src)
		if err != nil {
			return nil, fmt.Errorf("read credential: %w", err)
		}
		defer f.Close()
		if data, err = io.ReadAll(io.LimitReader(f, MaxImageBytes+1)); err != nil {
			return nil, fmt.Errorf("read credential %s: %w", src, err)
		}
	}
	if len(data) > MaxImageBytes {
		return nil, fmt.Errorf("%s is larger than %d bytes", src, MaxImageBytes)
	}
	if IsPNG(data) || (LooksLikeSVG(data) && !LooksLikeJWT(data)) {
		cred, err := ExtractCredential(data)
		if err != nil {
			return nil, fmt.Errorf("read baked badge %s: %w", src, err)
		}
		return cred, nil
	}
	if len(data) > maxCredentialBytes {
		return nil, fmt.Errorf("credential %s is larger than %d bytes", src, maxCredentialBytes)
	}
	return data, nil
}
