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
// with a 10 s timeout). The content is not trusted in any way by being
// fetched: the verifier checks it.
func ReadCredential(ctx context.Context, src string, stdin io.Reader, client *http.Client) ([]byte, error) {
	var (
		data []byte
		err  error
	)
	switch {
	case src == "-":
		data, err = io.ReadAll(io.LimitReader(stdin, maxCredentialBytes+1))
		if err != nil {
			return nil, fmt.Errorf("read credential from stdin: %w", err)
		}
	case strings.HasPrefix(src, "https://") || strings.HasPrefix(src, "http://"):
		if client == nil {
			client = &http.Client{Timeout: 10 * time.Second}
		}
		if data, err = fetchJSON(ctx, client, src); err != nil {
			return nil, fmt.Errorf("fetch credential: %w", err)
		}
	default:
		f, err := os.Open(src)
		if err != nil {
			return nil, fmt.Errorf("read credential: %w", err)
		}
		defer f.Close()
		if data, err = io.ReadAll(io.LimitReader(f, maxCredentialBytes+1)); err != nil {
			return nil, fmt.Errorf("read credential %s: %w", src, err)
		}
	}
	if len(data) > maxCredentialBytes {
		return nil, fmt.Errorf("credential %s is larger than %d bytes", src, maxCredentialBytes)
	}
	return data, nil
}
