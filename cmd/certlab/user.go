package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/certlab/certlab"
	"github.com/certlab/certlab/internal/account"
	"github.com/certlab/certlab/internal/auth"
)

// runUser: certlab user add EMAIL --role ROLE [--name NAME]. The password
// is read from standard input, or generated and printed when stdin is empty.
func runUser(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprintln(env.Stderr, "usage: certlab user add EMAIL --role candidate|author|instructor|proctor|admin [--name NAME] < password")
		return flag.ErrHelp
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	sf := registerSettings(fs, []setting{dbSetting})
	role := fs.String("role", certlab.RoleCandidate, "candidate, author, instructor, proctor or admin")
	name := fs.String("name", "", "display name")
	fs.Usage = usageFunc(env.Stderr, fs, "user add EMAIL [flags] < password", sf)
	email, rest := splitPositional(args[1:])
	if err := fs.Parse(rest); err != nil {
		return err
	}
	var cfg Config
	if err := sf.resolve(env.Getenv, &cfg); err != nil {
		return err
	}
	if email == "" {
		return errors.New("user add: give the e-mail address")
	}
	password, err := readPassword(env.Stdin)
	if err != nil {
		return err
	}
	generated := password == ""
	if generated {
		password = auth.NewSecret("")[:20]
	}
	s, err := openDB(ctx, cfg, quietLogger(env), true)
	if err != nil {
		return err
	}
	defer s.Close()
	accounts, err := account.New(s, auth.DefaultParams)
	if err != nil {
		return err
	}
	u, err := accounts.Create(ctx, email, *name, password, *role)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "user %d %s created with role %s\n", u.ID, u.Email, u.Role)
	if generated {
		fmt.Fprintf(env.Stdout, "password: %s\n", password)
	}
	return nil
}

// runToken: certlab token create EMAIL [--name NAME] [--scopes S] [--days N]
// prints a new API token.
func runToken(ctx context.Context, env *Env, args []string) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(env.Stderr, "usage: certlab token create EMAIL [--name NAME] [--scopes read,write,tokens,admin] [--days N]")
		return flag.ErrHelp
	}
	fs := flag.NewFlagSet("token create", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	sf := registerSettings(fs, []setting{dbSetting})
	name := fs.String("name", "cli", "a name to recognise the token by")
	scopes := fs.String("scopes", "read,write", "comma-separated scopes: read, write, tokens (create more tokens), admin (admin routes; admins only)")
	days := fs.Int("days", 30, "days until the token expires (1 to 365)")
	fs.Usage = usageFunc(env.Stderr, fs, "token create EMAIL [flags]", sf)
	email, rest := splitPositional(args[1:])
	if err := fs.Parse(rest); err != nil {
		return err
	}
	var cfg Config
	if err := sf.resolve(env.Getenv, &cfg); err != nil {
		return err
	}
	if email == "" {
		return errors.New("token create: give the e-mail address")
	}
	s, err := openDB(ctx, cfg, quietLogger(env), true)
	if err != nil {
		return err
	}
	defer s.Close()
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return err
	}
	accounts, err := account.New(s, auth.DefaultParams)
	if err != nil {
		return err
	}
	var list []string
	for _, sc := range strings.Split(*scopes, ",") {
		if sc = strings.TrimSpace(sc); sc != "" {
			list = append(list, sc)
		}
	}
	secret, _, err := accounts.NewToken(ctx, u, account.TokenRequest{Name: *name, Scopes: list, Lifetime: time.Duration(*days) * 24 * time.Hour})
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, secret)
	return nil
}

// splitPositional takes the first argument that is not a flag out of args,
// so "EMAIL --role x" and "--role x EMAIL" both work.
func splitPositional(args []string) (string, []string) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if strings.HasPrefix(a, "-") {
			if !strings.Contains(a, "=") && i+1 < len(args) {
				i++
			}
			continue
		}
		rest := append(append([]string{}, args[:i]...), args[i+1:]...)
		return a, rest
	}
	return "", args
}

func readPassword(r io.Reader) (string, error) {
	if r == nil {
		return "", nil
	}
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}
