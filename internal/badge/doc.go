// Package badge issues and verifies certlab's credentials: Open Badges 3.0
// OpenBadgeCredentials (W3C Verifiable Credentials 2.0) secured with an
// eddsa-rdfc-2022 Data Integrity proof or as a VC-JWT, the issuer keys
// that sign them, and the Bitstring Status Lists that revoke them.
//
// It imports nothing else of certlab: the server supplies storage through
// KeyStore and StatusFetcher and publishes the documents built here.
package badge
