package badge

import (
	"context"
	"strings"
)

// Documents and adapters the certlab server uses to publish what
// verifiers fetch: the issuer profile (ProfileDocument, in keys.go), each
// key, each achievement definition and the status lists.

// MultikeyDocument returns the JSON to serve at a key's own URL, for
// verifiers that dereference a verification method directly.
func MultikeyDocument(vm VerificationMethod) map[string]any {
	doc := map[string]any{
		"@context":           "https://w3id.org/security/multikey/v1",
		"id":                 vm.ID,
		"type":               "Multikey",
		"controller":         vm.Controller,
		"publicKeyMultibase": vm.PublicKeyMultibase,
	}
	if vm.Revoked != "" {
		doc["revoked"] = vm.Revoked
	}
	if vm.Expires != "" {
		doc["expires"] = vm.Expires
	}
	return doc
}

// AchievementDocument returns the Open Badges Achievement definition to
// serve at a.ID, the same object credentials embed.
func AchievementDocument(a Achievement) map[string]any {
	doc := achievementObject(a)
	doc["@context"] = []any{ContextCredentialsV2, ContextOpenBadgesV3}
	return doc
}

// achievementObject is the Achievement as embedded in a credential.
func achievementObject(a Achievement) map[string]any {
	ach := map[string]any{
		"id":       a.ID,
		"type":     []any{"Achievement"},
		"name":     a.Name,
		"criteria": map[string]any{"narrative": a.Criteria},
	}
	// 1EdTech's schema requires a description; the criteria say what the
	// achievement is when the program has none.
	desc := strings.TrimSpace(a.Description)
	if desc == "" {
		desc = a.Criteria
	}
	setIf(ach, "description", desc)
	setIf(ach, "achievementType", a.Type)
	if a.Image != "" {
		caption := a.ImageCaption
		if caption == "" {
			caption = a.Name
		}
		ach["image"] = map[string]any{"id": a.Image, "type": "Image", "caption": caption}
	}
	return ach
}

// StatusFetcherFunc adapts a function to StatusFetcher, so the server can
// hand its own status lists to the verifier without going through HTTP.
type StatusFetcherFunc func(ctx context.Context, url string) ([]byte, error)

// FetchStatusList implements StatusFetcher.
func (f StatusFetcherFunc) FetchStatusList(ctx context.Context, url string) ([]byte, error) {
	return f(ctx, url)
}
