package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/certlab/certlab/internal/badge"
)

// runBadge dispatches the badge sub-commands.
func runBadge(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(env.Stderr, badgeUsage)
		return flag.ErrHelp
	}
	switch args[0] {
	case "verify":
		return runBadgeVerify(ctx, env, args[1:])
	case "canon":
		return runBadgeCanon(ctx, env, args[1:])
	case "bake":
		return runBadgeBake(ctx, env, args[1:])
	default:
		fmt.Fprint(env.Stderr, badgeUsage)
		return fmt.Errorf("badge: unknown sub-command %q", args[0])
	}
}

const badgeUsage = `usage: certlab badge verify FILE-or-URL [--public-key MULTIBASE] [--trusted-issuer ID]... [--withdrawn KEY]... [--json]
       certlab badge canon FILE-or-URL
       certlab badge bake --image IMAGE.svg|IMAGE.png --credential FILE -o OUT

Verifies an Open Badges 3.0 credential (JSON with an eddsa-rdfc-2022 or
Ed25519Signature2020 proof, or a VC-JWT), also when baked into a PNG or SVG
badge image: the proof, the issuer's key, validFrom, validUntil and the
status list. FILE "-" reads standard input.

The issuer's key is found from the proof's verification method (did:key,
did:web, or the issuer profile URL; plain http:// only on a loopback
address, such as a certlab server on this machine), or given with
--public-key for offline checks. The report says who signed the credential
and whether you trust that issuer (--trusted-issuer); a valid signature from
an issuer you did not name is reported as from an unknown issuer. Exit
status 0 only when every check holds.

canon prints the RDFC-1.0 canonical N-Quads, hashes and signature input of
a Data Integrity credential, for checking a proof by hand.

bake writes a copy of a PNG or SVG image with the credential (JSON or
VC-JWT) baked in, as Open Badges 3.0 defines it.
`

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// runBadgeVerify implements `certlab badge verify`.
func runBadgeVerify(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("badge verify", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	publicKey := fs.String("public-key", "", "trust this Ed25519 Multikey (z6Mk…) as the issuer's key instead of resolving it")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	var withdrawn, trusted stringList
	fs.Var(&withdrawn, "withdrawn", "treat this key (verification method URL or Multikey) as withdrawn; repeatable")
	fs.Var(&trusted, "trusted-issuer", "an issuer id (profile URL or DID) you trust; repeatable")
	fs.Usage = func() {
		fmt.Fprint(env.Stderr, badgeUsage, "\nverify flags:\n")
		fs.PrintDefaults()
	}

	// Flags may come before or after the credential argument.
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(positional) != 1 {
		fs.Usage()
		return fmt.Errorf("badge verify: want exactly one FILE-or-URL, got %d", len(positional))
	}

	loader, err := badge.NewContextLoader()
	if err != nil {
		return fmt.Errorf("badge verify: %w", err)
	}
	client := &http.Client{Timeout: 15 * time.Second}
	// A certlab server on this machine is usually plain http: allow that
	// on loopback addresses only, never across the network.
	var keys badge.KeyResolver = &badge.WebResolver{Client: client, AllowLoopbackHTTP: true}
	if *publicKey != "" {
		k, err := badge.ParseOperatorKey(*publicKey)
		if err != nil {
			return fmt.Errorf("badge verify: --public-key: %w", err)
		}
		keys = k
	}
	data, err := badge.ReadCredential(ctx, positional[0], env.Stdin, client)
	if err != nil {
		return fmt.Errorf("badge verify: %w", err)
	}
	v := &badge.Verifier{
		Contexts:       loader,
		Keys:           keys,
		Status:         &badge.HTTPStatusFetcher{Client: client, AllowLoopbackHTTP: true},
		Withdrawn:      withdrawn,
		TrustedIssuers: trusted,
		Now:            time.Now,
	}
	rep := v.Verify(ctx, data)
	write := rep.WriteText
	if *asJSON {
		write = rep.WriteJSON
	}
	if err := write(env.Stdout); err != nil {
		return fmt.Errorf("badge verify: write report: %w", err)
	}
	if !rep.OK() {
		return errSilentFailure
	}
	return nil
}

// runBadgeCanon implements `certlab badge canon`: it prints what an
// eddsa-rdfc-2022 proof signs, so the proof can be checked by hand.
func runBadgeCanon(ctx context.Context, env *Env, args []string) error {
	if len(args) != 1 {
		fmt.Fprint(env.Stderr, badgeUsage)
		return fmt.Errorf("badge canon: want exactly one FILE-or-URL, got %d arguments", len(args))
	}
	data, err := badge.ReadCredential(ctx, args[0], env.Stdin, &http.Client{Timeout: 15 * time.Second})
	if err != nil {
		return fmt.Errorf("badge canon: %w", err)
	}
	cred, err := badge.ParseCredential(data)
	if err != nil {
		return fmt.Errorf("badge canon: %s: %w", args[0], err)
	}
	if cred.Proof == nil {
		return fmt.Errorf("badge canon: %s has no Data Integrity proof", args[0])
	}
	loader, err := badge.NewContextLoader()
	if err != nil {
		return fmt.Errorf("badge canon: %w", err)
	}
	h, err := loader.ProofHashes(cred.Document, cred.Proof.Options())
	if err != nil {
		return fmt.Errorf("badge canon: %s: %w", args[0], err)
	}
	fmt.Fprintf(env.Stdout, "# canonical document (RDFC-1.0 N-Quads, without the proof)\n%s\n", h.DocumentCanonical)
	fmt.Fprintf(env.Stdout, "# canonical proof options (without proofValue, with the document's @context)\n%s\n", h.ProofCanonical)
	fmt.Fprintf(env.Stdout, "documentHash  %x\nproofHash     %x\ndataToSign    %x\n", h.DocumentHash, h.ProofHash, h.DataToSign)
	fmt.Fprintf(env.Stdout, "verificationMethod %s\nproofValue    %s\n", cred.Proof.VerificationMethod, cred.Proof.ProofValue)
	if sig, err := badge.DecodeMultibase(cred.Proof.ProofValue); err == nil {
		fmt.Fprintf(env.Stdout, "signature     %x\n", sig)
	}
	return nil
}

// runBadgeBake implements `certlab badge bake`.
func runBadgeBake(ctx context.Context, env *Env, args []string) error {
	fs := flag.NewFlagSet("badge bake", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	imagePath := fs.String("image", "", "the badge image, PNG or SVG")
	credPath := fs.String("credential", "", "the credential to bake: JSON or VC-JWT (file, URL or -)")
	outPath := fs.String("o", "", "where to write the baked image")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *imagePath == "" || *credPath == "" || *outPath == "" || fs.NArg() != 0 {
		fmt.Fprint(env.Stderr, badgeUsage)
		return errors.New("badge bake: --image, --credential and -o are required")
	}
	img, err := os.ReadFile(*imagePath)
	if err != nil {
		return fmt.Errorf("badge bake: %w", err)
	}
	cred, err := badge.ReadCredential(ctx, *credPath, env.Stdin, &http.Client{Timeout: 15 * time.Second})
	if err != nil {
		return fmt.Errorf("badge bake: %w", err)
	}
	bake := badge.BakeSVG
	if badge.IsPNG(img) {
		bake = badge.BakePNG
	}
	out, err := bake(img, cred)
	if err != nil {
		return fmt.Errorf("badge bake: %s: %w", *imagePath, err)
	}
	if err := os.WriteFile(*outPath, out, 0o644); err != nil {
		return fmt.Errorf("badge bake: %w", err)
	}
	return nil
}
