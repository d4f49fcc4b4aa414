package badgetest

import (
	"testing"

	"github.com/certlab/certlab/internal/badge"
)

func TestMemoryKeyStore(t *testing.T) {
	TestKeyStore(t, func(*testing.T) badge.KeyStore { return &badge.MemoryKeyStore{} })
}
