package badge

import (
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"strings"
)

const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// ed25519PubPrefix is the multicodec code 0xed (ed25519-pub) as an
// unsigned varint: the two bytes that start a Multikey Ed25519 public key.
var ed25519PubPrefix = []byte{0xed, 0x01}

// EncodeBase58BTC encodes b in the Bitcoin base58 alphabet.
func EncodeBase58BTC(b []byte) string {
	zeros := 0
	for zeros < len(b) && b[zeros] == 0 {
		zeros++
	}
	n := new(big.Int).SetBytes(b)
	radix := big.NewInt(58)
	mod := new(big.Int)
	var out []byte
	for n.Sign() > 0 {
		n.DivMod(n, radix, mod)
		out = append(out, base58Alphabet[mod.Int64()])
	}
	for range zeros {
		out = append(out, '1')
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}

// DecodeBase58BTC decodes a string in the Bitcoin base58 alphabet.
func DecodeBase58BTC(s string) ([]byte, error) {
	if len(s) > 4096 {
		return nil, fmt.Errorf("base58 string of %d characters is longer than certlab accepts (4096)", len(s))
	}
	n := new(big.Int)
	radix := big.NewInt(58)
	zeros := 0
	for zeros < len(s) && s[zeros] == '1' {
		zeros++
	}
	for i := 0; i < len(s); i++ {
		d := strings.IndexByte(base58Alphabet, s[i])
		if d < 0 {
			return nil, fmt.Errorf("base58: character %q at offset %d is not in the alphabet", s[i], i)
		}
		n.Mul(n, radix)
		n.Add(n, big.NewInt(int64(d)))
	}
	body := n.Bytes()
	out := make([]byte, zeros+len(body))
	copy(out[zeros:], body)
	return out, nil
}

// EncodeMultibase encodes b as multibase base58btc (prefix "z").
func EncodeMultibase(b []byte) string {
	return "z" + EncodeBase58BTC(b)
}

// DecodeMultibase decodes a multibase string in base58btc ("z") or
// base64url without padding ("u"), the two encodings certlab meets.
func DecodeMultibase(s string) ([]byte, error) {
	if s == "" {
		return nil, errors.New("multibase: empty string")
	}
	switch s[0] {
	case 'z':
		b, err := DecodeBase58BTC(s[1:])
		if err != nil {
			return nil, fmt.Errorf("multibase base58btc: %w", err)
		}
		return b, nil
	case 'u':
		b, err := base64.RawURLEncoding.DecodeString(s[1:])
		if err != nil {
			return nil, fmt.Errorf("multibase base64url: %w", err)
		}
		return b, nil
	default:
		return nil, fmt.Errorf("multibase: prefix %q is not one certlab supports (z = base58btc, u = base64url)", s[0])
	}
}

// EncodeMultikey returns the Multikey form of an Ed25519 public key:
// multibase base58btc of the multicodec prefix 0xed01 and the 32 key bytes.
// Such keys start with "z6Mk".
func EncodeMultikey(pub ed25519.PublicKey) string {
	b := make([]byte, 0, len(ed25519PubPrefix)+len(pub))
	b = append(b, ed25519PubPrefix...)
	b = append(b, pub...)
	return EncodeMultibase(b)
}

// DecodeMultikey parses a Multikey-encoded Ed25519 public key.
func DecodeMultikey(s string) (ed25519.PublicKey, error) {
	if !strings.HasPrefix(s, "z") {
		return nil, fmt.Errorf("multikey %q: must be multibase base58btc (start with \"z\")", truncate(s, 60))
	}
	b, err := DecodeMultibase(s)
	if err != nil {
		return nil, fmt.Errorf("multikey %q: %w", truncate(s, 60), err)
	}
	if len(b) < 2 || b[0] != ed25519PubPrefix[0] || b[1] != ed25519PubPrefix[1] {
		return nil, fmt.Errorf("multikey %q: not an Ed25519 public key (multicodec prefix must be 0xed01)", truncate(s, 60))
	}
	key := b[2:]
	if len(key) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("multikey %q: Ed25519 public key has %d bytes, want %d", truncate(s, 60), len(key), ed25519.PublicKeySize)
	}
	return ed25519.PublicKey(key), nil
}

// truncate shortens s for error messages.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

func base64RawURL(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func decodeBase64RawURL(s string) ([]byte, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, fmt.Errorf("base64url: %w", err)
	}
	return b, nil
}
