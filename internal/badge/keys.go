package badge

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"
)

// StoredKey is one issuer key as the key store keeps it. The private key
// is only ever stored sealed (see KeySealer); a retired key's private half
// is erased, its public half kept so old credentials still verify.
type StoredKey struct {
	// ID is the verification method URL: the issuer ID, "#", and the Multikey.
	ID                 string
	PublicKeyMultibase string
	SealedPrivateKey   []byte // nil once the key is retired or withdrawn
	Created            time.Time
	Retired            time.Time // zero while the key signs new credentials
	Withdrawn          time.Time // zero unless withdrawn (compromised, for instance)
	WithdrawnReason    string
}

// KeyStore persists issuer keys. The server's database implements it;
// MemoryKeyStore is an in-memory implementation.
type KeyStore interface {
	// IssuerKeys returns every key ever created, in any order.
	IssuerKeys(ctx context.Context) ([]StoredKey, error)
	// SaveIssuerKey inserts the key or replaces the one with the same ID.
	SaveIssuerKey(ctx context.Context, k StoredKey) error
}

// MemoryKeyStore is a KeyStore held in memory, safe for concurrent use.
type MemoryKeyStore struct {
	mu   sync.Mutex
	keys []StoredKey
}

// IssuerKeys implements KeyStore.
func (m *MemoryKeyStore) IssuerKeys(context.Context) ([]StoredKey, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]StoredKey, len(m.keys))
	for i, k := range m.keys {
		k.SealedPrivateKey = slices.Clone(k.SealedPrivateKey)
		out[i] = k
	}
	return out, nil
}

// SaveIssuerKey implements KeyStore.
func (m *MemoryKeyStore) SaveIssuerKey(_ context.Context, k StoredKey) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	k.SealedPrivateKey = slices.Clone(k.SealedPrivateKey)
	for i := range m.keys {
		if m.keys[i].ID == k.ID {
			m.keys[i] = k
			return nil
		}
	}
	m.keys = append(m.keys, k)
	return nil
}

// KDFParams are the Argon2id parameters that turn the configured secret
// into a key-encryption key.
type KDFParams struct {
	Time      uint32
	MemoryKiB uint32
	Threads   uint8
}

// DefaultKDFParams returns RFC 9106's second recommended option (t=3,
// 64 MiB). Derivation runs once per key sealed or opened, at start-up and
// rotation.
func DefaultKDFParams() KDFParams { return KDFParams{Time: 3, MemoryKiB: 64 * 1024, Threads: 4} }

// KeySealer encrypts issuer private keys at rest with AES-256-GCM under a
// key derived by Argon2id from a configured secret and a random per-key
// salt. The key's ID is authenticated with it, so a sealed key cannot be
// moved to another record.
type KeySealer struct {
	secret []byte
	params KDFParams
}

const (
	sealVersion  = 1
	sealSaltSize = 16
	sealHeader   = 1 + 4 + 4 + 1 + sealSaltSize // version, time, memory, threads, salt
)

// NewKeySealer returns a sealer for the secret (from configuration, at
// least 16 bytes) with the given KDF parameters.
func NewKeySealer(secret []byte, params KDFParams) (*KeySealer, error) {
	if len(secret) < 16 {
		return nil, fmt.Errorf("issuer key secret is %d bytes; it must be at least 16", len(secret))
	}
	if params.Time == 0 || params.MemoryKiB < 8*uint32(params.Threads) || params.Threads == 0 {
		return nil, fmt.Errorf("issuer key KDF parameters %+v are not usable", params)
	}
	return &KeySealer{secret: slices.Clone(secret), params: params}, nil
}

func (s *KeySealer) aead(salt []byte, p KDFParams) (cipher.AEAD, error) {
	kek := argon2.IDKey(s.secret, salt, p.Time, p.MemoryKiB, p.Threads, 32)
	block, err := aes.NewCipher(kek)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Seal encrypts the private key of the key with ID keyID.
func (s *KeySealer) Seal(priv ed25519.PrivateKey, keyID string) ([]byte, error) {
	if len(priv) != ed25519.PrivateKeySize {
		return nil, fmt.Errorf("seal key %s: not an Ed25519 private key", keyID)
	}
	hdr := make([]byte, sealHeader)
	hdr[0] = sealVersion
	binary.BigEndian.PutUint32(hdr[1:], s.params.Time)
	binary.BigEndian.PutUint32(hdr[5:], s.params.MemoryKiB)
	hdr[9] = s.params.Threads
	if _, err := rand.Read(hdr[10:]); err != nil {
		return nil, fmt.Errorf("seal key %s: salt: %w", keyID, err)
	}
	aead, err := s.aead(hdr[10:], s.params)
	if err != nil {
		return nil, fmt.Errorf("seal key %s: %w", keyID, err)
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("seal key %s: nonce: %w", keyID, err)
	}
	out := append(slices.Clone(hdr), nonce...)
	return aead.Seal(out, nonce, priv.Seed(), sealAAD(hdr, keyID)), nil
}

// Open decrypts a key sealed by Seal for keyID.
func (s *KeySealer) Open(sealed []byte, keyID string) (ed25519.PrivateKey, error) {
	if len(sealed) < sealHeader || sealed[0] != sealVersion {
		return nil, fmt.Errorf("open key %s: not a sealed issuer key (version %d)", keyID, sealVersion)
	}
	hdr := sealed[:sealHeader]
	p := KDFParams{
		Time:      binary.BigEndian.Uint32(hdr[1:]),
		MemoryKiB: binary.BigEndian.Uint32(hdr[5:]),
		Threads:   hdr[9],
	}
	if p.Time == 0 || p.Time > 64 || p.MemoryKiB > 1<<20 || p.Threads == 0 || p.MemoryKiB < 8*uint32(p.Threads) {
		return nil, fmt.Errorf("open key %s: sealed key has unusable KDF parameters %+v", keyID, p)
	}
	aead, err := s.aead(hdr[10:], p)
	if err != nil {
		return nil, fmt.Errorf("open key %s: %w", keyID, err)
	}
	rest := sealed[sealHeader:]
	if len(rest) < aead.NonceSize() {
		return nil, fmt.Errorf("open key %s: sealed key is truncated", keyID)
	}
	seed, err := aead.Open(nil, rest[:aead.NonceSize()], rest[aead.NonceSize():], sealAAD(hdr, keyID))
	if err != nil {
		return nil, fmt.Errorf("open key %s: wrong secret, or the sealed key was altered or belongs to another key", keyID)
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("open key %s: sealed seed has %d bytes", keyID, len(seed))
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

func sealAAD(hdr []byte, keyID string) []byte {
	return append(append(slices.Clone(hdr), "certlab issuer key "...), keyID...)
}

// Keyring manages an issuer's keys: it creates the first one, keeps the
// active signing key unsealed in memory, rotates and withdraws keys, and
// resolves the issuer's verification methods for the verifier.
type Keyring struct {
	store    KeyStore
	sealer   *KeySealer
	issuerID string
	now      func() time.Time

	mu     sync.Mutex
	active SigningKey
}

// OpenKeyring loads the issuer's active key from store, creating one on
// first start. issuerID is the issuer profile URL (or DID) that key IDs
// are built on. now is the clock (nil means time.Now).
func OpenKeyring(ctx context.Context, store KeyStore, sealer *KeySealer, issuerID string, now func() time.Time) (*Keyring, error) {
	if issuerID == "" {
		return nil, errors.New("open issuer keyring: issuer ID is empty")
	}
	if now == nil {
		now = time.Now
	}
	k := &Keyring{store: store, sealer: sealer, issuerID: issuerID, now: now}
	keys, err := store.IssuerKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("open issuer keyring: %w", err)
	}
	var active []StoredKey
	for _, sk := range keys {
		if sk.Retired.IsZero() && sk.Withdrawn.IsZero() {
			active = append(active, sk)
		}
	}
	switch len(active) {
	case 0:
		if _, err := k.createKey(ctx); err != nil {
			return nil, fmt.Errorf("open issuer keyring: %w", err)
		}
	case 1:
		priv, err := sealer.Open(active[0].SealedPrivateKey, active[0].ID)
		if err != nil {
			return nil, fmt.Errorf("open issuer keyring: %w", err)
		}
		if EncodeMultikey(priv.Public().(ed25519.PublicKey)) != active[0].PublicKeyMultibase {
			return nil, fmt.Errorf("open issuer keyring: key %s: private key does not match its public key", active[0].ID)
		}
		k.active = SigningKey{VerificationMethod: active[0].ID, PrivateKey: priv}
	default:
		return nil, fmt.Errorf("open issuer keyring: %d keys are active at once; the store is inconsistent", len(active))
	}
	return k, nil
}

// createKey generates, seals and stores a new active key. Callers hold mu
// or have exclusive access.
func (k *Keyring) createKey(ctx context.Context) (StoredKey, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return StoredKey{}, fmt.Errorf("generate issuer key: %w", err)
	}
	mk := EncodeMultikey(pub)
	id := k.issuerID + "#" + mk
	sealed, err := k.sealer.Seal(priv, id)
	if err != nil {
		return StoredKey{}, err
	}
	sk := StoredKey{ID: id, PublicKeyMultibase: mk, SealedPrivateKey: sealed, Created: k.now().UTC()}
	if err := k.store.SaveIssuerKey(ctx, sk); err != nil {
		return StoredKey{}, fmt.Errorf("save issuer key %s: %w", id, err)
	}
	k.active = SigningKey{VerificationMethod: id, PrivateKey: priv}
	return sk, nil
}

// SigningKey returns the active key for signing new credentials.
func (k *Keyring) SigningKey() SigningKey {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.active
}

// Rotate retires the active key (erasing its private half, keeping its
// public half for verification) and makes a new one active.
func (k *Keyring) Rotate(ctx context.Context) (StoredKey, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.rotateLocked(ctx)
}

func (k *Keyring) rotateLocked(ctx context.Context) (StoredKey, error) {
	old, err := k.find(ctx, k.active.VerificationMethod)
	if err != nil {
		return StoredKey{}, fmt.Errorf("rotate issuer key: %w", err)
	}
	// Retire first: a crash between the two steps leaves no active key, and
	// the next start creates one, rather than two active keys.
	old.Retired = k.now().UTC()
	old.SealedPrivateKey = nil
	if err := k.store.SaveIssuerKey(ctx, old); err != nil {
		return StoredKey{}, fmt.Errorf("rotate issuer key: retire %s: %w", old.ID, err)
	}
	sk, err := k.createKey(ctx)
	if err != nil {
		return StoredKey{}, fmt.Errorf("rotate issuer key: %w", err)
	}
	return sk, nil
}

// Withdraw marks a key as withdrawn, with a reason: credentials signed
// with it no longer verify. Withdrawing the active key rotates first.
func (k *Keyring) Withdraw(ctx context.Context, keyID, reason string) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if keyID == k.active.VerificationMethod {
		if _, err := k.rotateLocked(ctx); err != nil {
			return fmt.Errorf("withdraw issuer key %s: %w", keyID, err)
		}
	}
	sk, err := k.find(ctx, keyID)
	if err != nil {
		return fmt.Errorf("withdraw issuer key: %w", err)
	}
	if !sk.Withdrawn.IsZero() {
		return nil
	}
	sk.Withdrawn = k.now().UTC()
	sk.WithdrawnReason = reason
	sk.SealedPrivateKey = nil
	if err := k.store.SaveIssuerKey(ctx, sk); err != nil {
		return fmt.Errorf("withdraw issuer key %s: %w", keyID, err)
	}
	return nil
}

func (k *Keyring) find(ctx context.Context, id string) (StoredKey, error) {
	keys, err := k.store.IssuerKeys(ctx)
	if err != nil {
		return StoredKey{}, err
	}
	for _, sk := range keys {
		if sk.ID == id {
			return sk, nil
		}
	}
	return StoredKey{}, fmt.Errorf("%w: issuer key %s is not in the key store", ErrUnknownKey, id)
}

// VerificationMethods returns every key of the issuer, oldest first, as
// the issuer profile publishes them; withdrawn keys carry "revoked".
func (k *Keyring) VerificationMethods(ctx context.Context) ([]VerificationMethod, error) {
	keys, err := k.store.IssuerKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("list issuer keys: %w", err)
	}
	slices.SortStableFunc(keys, func(a, b StoredKey) int { return a.Created.Compare(b.Created) })
	out := make([]VerificationMethod, 0, len(keys))
	for _, sk := range keys {
		vm := VerificationMethod{ID: sk.ID, Type: "Multikey", Controller: k.issuerID, PublicKeyMultibase: sk.PublicKeyMultibase}
		if !sk.Withdrawn.IsZero() {
			vm.Revoked = formatDateTime(sk.Withdrawn)
		}
		out = append(out, vm)
	}
	return out, nil
}

// ResolveKey implements KeyResolver for the issuer's own keys, read from
// the key store rather than over the network.
func (k *Keyring) ResolveKey(ctx context.Context, vm string) (*ResolvedKey, error) {
	sk, err := k.find(ctx, vm)
	if err != nil {
		return nil, err
	}
	pub, err := DecodeMultikey(sk.PublicKeyMultibase)
	if err != nil {
		return nil, fmt.Errorf("issuer key %s in the key store: %w", vm, err)
	}
	return &ResolvedKey{PublicKey: pub, Controller: k.issuerID, Source: "certlab's own issuer key store", Revoked: sk.Withdrawn}, nil
}

// ProfileDocument returns the issuer profile JSON to serve at p.ID: the
// Open Badges Profile with the issuer's keys as Multikey verification
// methods; keys that may sign are listed under assertionMethod. It is a
// controller document (W3C Controlled Identifiers 1.0): its contexts define
// verificationMethod and assertionMethod at the top level, so a JSON-LD
// verifier in safe mode reads the keys instead of dropping them.
func ProfileDocument(p IssuerProfile, vms []VerificationMethod) map[string]any {
	doc := map[string]any{
		"@context": []any{ContextCredentialsV2, ContextOpenBadgesV3, ContextCID, ContextMultikeyV1},
		"id":       p.ID,
		"type":     []any{"Profile"},
		"name":     p.Name,
	}
	setIf(doc, "url", p.URL)
	setIf(doc, "email", p.Email)
	setIf(doc, "description", p.Description)
	addVerificationMethods(doc, vms)
	return doc
}

// DIDDocument returns the DID document to serve for a did:web issuer.
func DIDDocument(did string, vms []VerificationMethod) map[string]any {
	doc := map[string]any{
		"@context": []any{"https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"},
		"id":       did,
	}
	addVerificationMethods(doc, vms)
	return doc
}

func addVerificationMethods(doc map[string]any, vms []VerificationMethod) {
	list := make([]any, 0, len(vms))
	assert := make([]any, 0, len(vms))
	for _, vm := range vms {
		m := map[string]any{"id": vm.ID, "type": vm.Type, "controller": vm.Controller, "publicKeyMultibase": vm.PublicKeyMultibase}
		if vm.Expires != "" {
			m["expires"] = vm.Expires
		}
		if vm.Revoked != "" {
			m["revoked"] = vm.Revoked
		} else {
			assert = append(assert, vm.ID)
		}
		list = append(list, m)
	}
	doc["verificationMethod"] = list
	doc["assertionMethod"] = assert
}

// Reload reads the active key from the store again, for servers that
// share one store: after another server rotated the key, this one signs
// with the new key too. With no active key stored (a rotation that
// stopped between its two steps) it creates one. Callers that may race
// with another server's rotation hold a lock across servers around it.
func (k *Keyring) Reload(ctx context.Context) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	keys, err := k.store.IssuerKeys(ctx)
	if err != nil {
		return fmt.Errorf("reload issuer keyring: %w", err)
	}
	var active []StoredKey
	for _, sk := range keys {
		if sk.Retired.IsZero() && sk.Withdrawn.IsZero() {
			active = append(active, sk)
		}
	}
	switch len(active) {
	case 0:
		if _, err := k.createKey(ctx); err != nil {
			return fmt.Errorf("reload issuer keyring: %w", err)
		}
		return nil
	case 1:
	default:
		return fmt.Errorf("reload issuer keyring: %d keys are active at once; the store is inconsistent", len(active))
	}
	if active[0].ID == k.active.VerificationMethod {
		return nil
	}
	priv, err := k.sealer.Open(active[0].SealedPrivateKey, active[0].ID)
	if err != nil {
		return fmt.Errorf("reload issuer keyring: %w", err)
	}
	if EncodeMultikey(priv.Public().(ed25519.PublicKey)) != active[0].PublicKeyMultibase {
		return fmt.Errorf("reload issuer keyring: key %s: private key does not match its public key", active[0].ID)
	}
	k.active = SigningKey{VerificationMethod: active[0].ID, PrivateKey: priv}
	return nil
}
