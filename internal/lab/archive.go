package lab

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// Limits bound what an uploaded workspace may hold.
type Limits struct {
	MaxUpload   int64 // bytes of the archive or bundle as uploaded
	MaxUnpacked int64 // bytes of all files once unpacked
	MaxFiles    int
}

// DefaultLimits are generous for a lab workspace and small for a server.
var DefaultLimits = Limits{MaxUpload: 32 << 20, MaxUnpacked: 128 << 20, MaxFiles: 20000}

// ErrBadArchive is wrapped by every refusal of an uploaded workspace.
var ErrBadArchive = errors.New("workspace refused")

func refuse(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrBadArchive, fmt.Sprintf(format, args...))
}

// Format names an upload format.
type Format string

// The formats a workspace can be uploaded in.
const (
	FormatTarGz  Format = "tar.gz"
	FormatZip    Format = "zip"
	FormatBundle Format = "git bundle"
)

// DetectFormat tells the format of an upload from its first bytes.
func DetectFormat(head []byte) (Format, error) {
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return FormatTarGz, nil
	case bytes.HasPrefix(head, []byte("PK\x03\x04")):
		return FormatZip, nil
	case bytes.HasPrefix(head, []byte("# v2 git bundle\n")), bytes.HasPrefix(head, []byte("# v3 git bundle\n")):
		return FormatBundle, nil
	}
	return "", refuse("not a .tar.gz, .zip or git bundle")
}

// Unpack reads an uploaded workspace (tar.gz, zip or git bundle) into the
// empty folder dest. It refuses absolute paths, paths that climb out of
// dest, links that point outside it, special files and anything over the
// limits, and it neutralises the git folder of an archive (configuration,
// hooks and alternates are replaced or removed), so that nothing in the
// upload can make git run a program or read outside the workspace.
func Unpack(ctx context.Context, r io.Reader, dest string, lim Limits) (*Workspace, error) {
	data, err := io.ReadAll(io.LimitReader(r, lim.MaxUpload+1))
	if err != nil {
		return nil, refuse("read the upload: %v", err)
	}
	if int64(len(data)) > lim.MaxUpload {
		return nil, refuse("the upload is larger than %d MB", lim.MaxUpload>>20)
	}
	format, err := DetectFormat(data)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dest, 0o755); err != nil {
		return nil, err
	}
	abs, err := filepath.Abs(dest)
	if err != nil {
		return nil, err
	}
	ws := &Workspace{Dir: abs, Server: true}
	switch format {
	case FormatTarGz:
		err = unpackTar(data, abs, lim)
	case FormatZip:
		err = unpackZip(data, abs, lim)
	case FormatBundle:
		err = unpackBundle(ctx, data, ws)
	}
	if err != nil {
		return nil, err
	}
	if format != FormatBundle {
		ws.Dir = singleFolder(abs)
	}
	if err := neutraliseGit(filepath.Join(ws.Dir, ".git"), false); err != nil {
		return nil, err
	}
	remotes, _ := filepath.Glob(filepath.Join(ws.Dir, MetaDir, "remotes", "*.git"))
	for _, r := range remotes {
		if err := neutraliseGit(r, true); err != nil {
			return nil, err
		}
	}
	return ws, nil
}

// singleFolder is the workspace inside an unpacked archive: the archive's
// one folder when it holds nothing else (tar czf ws.tar.gz mylab/, or a zip
// made by a file manager), else the folder itself.
func singleFolder(dir string) string {
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 {
		return dir
	}
	e := entries[0]
	if !e.IsDir() || e.Type()&fs.ModeSymlink != 0 || e.Name() == ".git" || e.Name() == MetaDir {
		return dir
	}
	return filepath.Join(dir, e.Name())
}

// archiveName checks an entry name and returns it cleaned, relative.
func archiveName(name string) (string, error) {
	name = strings.TrimPrefix(name, "./")
	if name == "" || strings.HasPrefix(name, "/") || strings.Contains(name, "\\") || strings.ContainsRune(name, 0) {
		return "", refuse("entry %q has an absolute or malformed path", name)
	}
	clean := path.Clean(name)
	if clean == ".." || strings.HasPrefix(clean, "../") {
		return "", refuse("entry %q climbs out of the workspace", name)
	}
	if vol := filepath.VolumeName(clean); vol != "" {
		return "", refuse("entry %q names a volume", name)
	}
	return clean, nil
}

// budget counts what has been unpacked against the limits.
type budget struct {
	lim   Limits
	bytes int64
	files int
}

func (b *budget) add(n int64) error {
	b.bytes += n
	b.files++
	if b.files > b.lim.MaxFiles {
		return refuse("more than %d files", b.lim.MaxFiles)
	}
	if b.bytes > b.lim.MaxUnpacked {
		return refuse("more than %d MB once unpacked", b.lim.MaxUnpacked>>20)
	}
	return nil
}

func unpackTar(data []byte, dest string, lim Limits) error {
	gz, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return refuse("not a gzip archive: %v", err)
	}
	tr := tar.NewReader(gz)
	b := &budget{lim: lim}
	var links [][2]string
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return refuse("corrupt tar archive: %v", err)
		}
		name, err := archiveName(h.Name)
		if err != nil {
			return err
		}
		if name == "." {
			continue
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := mkdirIn(dest, name); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := b.add(h.Size); err != nil {
				return err
			}
			if err := writeIn(dest, name, io.LimitReader(tr, h.Size), h.FileInfo().Mode()); err != nil {
				return err
			}
		case tar.TypeSymlink:
			links = append(links, [2]string{name, h.Linkname})
		case tar.TypeXGlobalHeader, tar.TypeXHeader:
		default:
			return refuse("entry %s is a %s, not a file, folder or link", name, typeName(h.Typeflag))
		}
	}
	return makeLinks(dest, links)
}

func typeName(t byte) string {
	switch t {
	case tar.TypeLink:
		return "hard link"
	case tar.TypeChar, tar.TypeBlock:
		return "device"
	case tar.TypeFifo:
		return "named pipe"
	}
	return fmt.Sprintf("special entry (type %q)", t)
}

func unpackZip(data []byte, dest string, lim Limits) error {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return refuse("corrupt zip archive: %v", err)
	}
	b := &budget{lim: lim}
	var links [][2]string
	for _, f := range zr.File {
		name, err := archiveName(f.Name)
		if err != nil {
			return err
		}
		if name == "." {
			continue
		}
		mode := f.Mode()
		switch {
		case mode.IsDir():
			if err := mkdirIn(dest, name); err != nil {
				return err
			}
		case mode&fs.ModeSymlink != 0:
			rc, err := f.Open()
			if err != nil {
				return refuse("corrupt zip entry %s: %v", name, err)
			}
			target, err := io.ReadAll(io.LimitReader(rc, 4096))
			rc.Close()
			if err != nil {
				return refuse("corrupt zip entry %s: %v", name, err)
			}
			links = append(links, [2]string{name, string(target)})
		case mode.IsRegular():
			if err := b.add(int64(f.UncompressedSize64)); err != nil {
				return err
			}
			rc, err := f.Open()
			if err != nil {
				return refuse("corrupt zip entry %s: %v", name, err)
			}
			err = writeIn(dest, name, io.LimitReader(rc, int64(f.UncompressedSize64)), mode)
			rc.Close()
			if err != nil {
				return err
			}
		default:
			return refuse("entry %s is not a file, folder or link", name)
		}
	}
	return makeLinks(dest, links)
}

// inside returns the path of name in dest, refusing any parent that is a
// link (so a link unpacked earlier cannot redirect a later file).
func inside(dest, name string) (string, error) {
	p := filepath.Join(dest, filepath.FromSlash(name))
	rel, err := filepath.Rel(dest, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", refuse("entry %s climbs out of the workspace", name)
	}
	dir := dest
	for _, part := range strings.Split(filepath.Dir(rel), string(filepath.Separator)) {
		if part == "." || part == "" {
			continue
		}
		dir = filepath.Join(dir, part)
		if st, err := os.Lstat(dir); err == nil && st.Mode()&fs.ModeSymlink != 0 {
			return "", refuse("entry %s lies behind a link", name)
		}
	}
	return p, nil
}

func mkdirIn(dest, name string) error {
	p, err := inside(dest, name)
	if err != nil {
		return err
	}
	return os.MkdirAll(p, 0o755)
}

func writeIn(dest, name string, r io.Reader, mode fs.FileMode) error {
	p, err := inside(dest, name)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	perm := os.FileMode(0o644)
	if mode&0o111 != 0 {
		perm = 0o755
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, perm)
	if err != nil {
		return refuse("entry %s: %v", name, err)
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return refuse("entry %s: %v", name, err)
	}
	return f.Close()
}

// makeLinks creates the symbolic links of an archive last, each only if
// its target is relative and stays inside the workspace.
func makeLinks(dest string, links [][2]string) error {
	for _, l := range links {
		name, target := l[0], l[1]
		if target == "" || filepath.IsAbs(target) || strings.HasPrefix(target, "/") || strings.ContainsRune(target, 0) {
			return refuse("link %s points to %q, outside the workspace", name, target)
		}
		resolved := path.Join(path.Dir(name), filepath.ToSlash(target))
		if resolved == ".." || strings.HasPrefix(resolved, "../") {
			return refuse("link %s points to %q, outside the workspace", name, target)
		}
		p, err := inside(dest, name)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.Symlink(target, p); err != nil {
			return refuse("link %s: %v", name, err)
		}
	}
	return nil
}

// unpackBundle reads a git bundle into a new repository in the
// workspace: only objects and refs come from the upload, every branch and
// tag as it is in the bundle (a clone would keep only HEAD's branch), never
// a configuration or hooks; the working tree is then checked out from HEAD.
func unpackBundle(ctx context.Context, data []byte, ws *Workspace) error {
	tmp, err := os.CreateTemp("", "certlab-bundle-*.bundle")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	tmp.Close()
	parent := &Workspace{Dir: filepath.Dir(ws.Dir)}
	heads, err := parent.Git(ctx, "bundle", "list-heads", tmp.Name())
	if err != nil {
		return refuse("corrupt git bundle: %v", err)
	}
	if _, err := parent.Git(ctx, "init", "-q", "--", ws.Dir); err != nil {
		return err
	}
	if err := neutraliseGit(filepath.Join(ws.Dir, ".git"), false); err != nil {
		return err
	}
	if _, err := ws.Git(ctx, "fetch", "-q", "--no-tags", "--update-head-ok", tmp.Name(), "+refs/heads/*:refs/heads/*", "+refs/tags/*:refs/tags/*"); err != nil {
		return refuse("corrupt git bundle: %v", err)
	}
	head, branch := bundleHead(heads)
	switch {
	case branch != "":
		_, err = ws.Git(ctx, "symbolic-ref", "HEAD", branch)
	case head != "":
		_, err = ws.Git(ctx, "update-ref", "--no-deref", "HEAD", head)
	default:
		return refuse("the git bundle has no branch to check out")
	}
	if err != nil {
		return refuse("the git bundle's HEAD cannot be used: %v", err)
	}
	if _, err := ws.Git(ctx, "read-tree", "-u", "--reset", "HEAD"); err != nil {
		return refuse("the git bundle's HEAD cannot be checked out: %v", err)
	}
	return linksStayInside(ws.Dir)
}

// linksStayInside refuses a working tree with a symbolic link whose
// target leaves the workspace (a bundle's tree may hold any link).
func linksStayInside(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() && rel == ".git" {
			return filepath.SkipDir
		}
		if d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		target, err := os.Readlink(p)
		if err != nil {
			return err
		}
		name := filepath.ToSlash(rel)
		resolved := path.Join(path.Dir(name), filepath.ToSlash(target))
		if filepath.IsAbs(target) || strings.HasPrefix(target, "/") || resolved == ".." || strings.HasPrefix(resolved, "../") {
			return refuse("link %s points to %q, outside the workspace", name, target)
		}
		return nil
	})
}

// bundleHead reads git bundle list-heads: the commit of HEAD and the
// branch at it (main or master first), or the only branch when the bundle
// has no HEAD.
func bundleHead(listHeads string) (head, branch string) {
	refs := map[string]string{}
	var branches []string
	for _, line := range strings.Split(strings.TrimSpace(listHeads), "\n") {
		sha, ref, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok {
			continue
		}
		refs[ref] = sha
		if strings.HasPrefix(ref, "refs/heads/") {
			branches = append(branches, ref)
		}
	}
	head = refs["HEAD"]
	if head == "" {
		if len(branches) == 1 {
			return refs[branches[0]], branches[0]
		}
		for _, b := range []string{"refs/heads/main", "refs/heads/master"} {
			if refs[b] != "" {
				return refs[b], b
			}
		}
		return "", ""
	}
	for _, b := range append([]string{"refs/heads/main", "refs/heads/master"}, branches...) {
		if refs[b] == head {
			return head, b
		}
	}
	return head, ""
}

// neutraliseGit makes an uploaded repository (its git folder g) safe for
// read-only git commands: a minimal configuration, no hooks, no
// alternates, and the git folder must be a folder (a .git file could point
// anywhere).
func neutraliseGit(g string, bare bool) error {
	st, err := os.Lstat(g)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return refuse("%s is not a folder", filepath.Base(g))
	}
	for _, rel := range []string{"hooks", "objects/info/alternates", "objects/info/http-alternates", "commondir", "config.worktree", "info/attributes"} {
		if err := os.RemoveAll(filepath.Join(g, filepath.FromSlash(rel))); err != nil {
			return err
		}
	}
	config := fmt.Sprintf("[core]\n\trepositoryformatversion = 0\n\tbare = %v\n\tlogallrefupdates = false\n", bare)
	if err := os.WriteFile(filepath.Join(g, "config"), []byte(config), 0o644); err != nil {
		return err
	}
	return os.MkdirAll(filepath.Join(g, "hooks"), 0o755)
}

// Pack writes the workspace as a tar.gz archive (its working tree, .git,
// and the .certlab record with the lab's local remotes) for submission.
func Pack(w io.Writer, ws *Workspace) error { return PackAs(w, ws, "") }

// PackAs writes the workspace like Pack, every entry under the folder
// prefix ("" for none): a starting workspace to download unpacks into a
// folder of its own.
func PackAs(w io.Writer, ws *Workspace, prefix string) error {
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	err := filepath.WalkDir(ws.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(ws.Dir, p)
		rel = filepath.ToSlash(rel)
		if rel == "." && prefix == "" {
			return nil
		}
		if prefix != "" {
			rel = path.Join(prefix, rel)
		}
		if d.IsDir() && d.Name() == "node_modules" {
			return filepath.SkipDir
		}
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		var link string
		if info.Mode()&fs.ModeSymlink != 0 {
			if link, err = os.Readlink(p); err != nil {
				return err
			}
		}
		if !info.Mode().IsRegular() && !info.IsDir() && link == "" {
			return nil
		}
		h, err := tar.FileInfoHeader(info, link)
		if err != nil {
			return err
		}
		h.Name, h.ModTime = rel, time.Unix(0, 0)
		h.Uid, h.Gid, h.Uname, h.Gname = 0, 0, "", ""
		if info.IsDir() {
			h.Name += "/"
		}
		if err := tw.WriteHeader(h); err != nil {
			return err
		}
		if info.Mode().IsRegular() {
			f, err := os.Open(p)
			if err != nil {
				return err
			}
			_, err = io.Copy(tw, f)
			f.Close()
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return gz.Close()
}

// CheckOwner makes sure a submitted workspace was started from this lab:
// for a lab with a scripted history, the history holds the setup's last
// commit (the same lab always builds the same commits); otherwise the
// workspace's record names the lab.
func CheckOwner(ctx context.Context, l *Lab, ws *Workspace) error {
	if len(l.Setup.Git) > 0 {
		want, err := l.setupCommit(ctx)
		if err != nil {
			return err
		}
		if !ws.HasGit() {
			return refuse("this is not a git repository: submit the folder of lab %s with its .git folder, or a git bundle", l.ID)
		}
		if _, err := ws.Git(ctx, "cat-file", "-e", want+"^{commit}"); err != nil {
			m, merr := ws.ReadMeta()
			switch {
			case merr == nil && m.Lab == l.ID:
				// The history was rewritten (a purge lab's solution
				// rewrites every commit): the workspace's record names
				// the lab.
				return nil
			case merr == nil:
				return refuse("this workspace belongs to lab %s, not %s", m.Lab, l.ID)
			}
			return refuse("this workspace was not started from lab %s (its starting history is missing; a lab whose history you rewrote is submitted as the folder's .tar.gz or .zip, with its %s folder)", l.ID, MetaDir)
		}
		return nil
	}
	m, err := ws.ReadMeta()
	if err != nil {
		return refuse("the workspace has no %s/lab.json: submit the whole folder that certlab lab start created", MetaDir)
	}
	if m.Lab != l.ID {
		return refuse("this workspace belongs to lab %s, not %s", m.Lab, l.ID)
	}
	return nil
}

// setupCommit builds the lab's scripted history once, in a temporary
// folder, and remembers the commit it ends on and where every ref pointed.
func (l *Lab) setupCommit(ctx context.Context) (string, error) {
	l.setupOnce.Do(func() {
		dir, err := os.MkdirTemp("", "certlab-setup-*")
		if err != nil {
			l.setupErr = err
			return
		}
		defer os.RemoveAll(dir)
		ws, err := Start(ctx, l, filepath.Join(dir, "ws"))
		if err != nil {
			l.setupErr = err
			return
		}
		m, err := ws.ReadMeta()
		if err != nil {
			l.setupErr = err
			return
		}
		l.setupSHA = m.Setup
		out, err := ws.Git(ctx, "for-each-ref", "--format=%(refname) %(objectname)")
		if err != nil {
			l.setupErr = err
			return
		}
		l.setupRefs = map[string]string{}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			if name, sha, ok := strings.Cut(line, " "); ok {
				l.setupRefs[name] = sha
			}
		}
	})
	return l.setupSHA, l.setupErr
}

// setupRef is where a ref pointed when the lab's history was set up ("" if
// the setup had no such ref).
func (l *Lab) setupRef(ctx context.Context, ref string) (string, error) {
	if _, err := l.setupCommit(ctx); err != nil {
		return "", err
	}
	for _, full := range []string{ref, "refs/heads/" + ref, "refs/tags/" + ref} {
		if sha, ok := l.setupRefs[full]; ok {
			return sha, nil
		}
	}
	return "", nil
}
