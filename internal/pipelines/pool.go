package pipelines

import (
	"regexp"
	"runtime"
	"strings"
)

// Host operating systems as a pool asks for them.
const (
	osWindows = "Windows"
	osLinux   = "Linux"
	osMacOS   = "macOS"
)

// hostOS is the operating system of this machine, named as pools name it.
func hostOS() string {
	switch runtime.GOOS {
	case "windows":
		return osWindows
	case "darwin":
		return osMacOS
	}
	return osLinux
}

var (
	windowsName = regexp.MustCompile(`(?i)(^|[^a-z])(win|windows|vs20\d\d)`)
	macName     = regexp.MustCompile(`(?i)(mac|osx|darwin)`)
	linuxName   = regexp.MustCompile(`(?i)(ubuntu|linux|mariner|debian|centos|rhel|fedora|alpine)`)
)

// osOfName guesses the operating system from an image or pool name.
func osOfName(s string) string {
	switch {
	case windowsName.MatchString(s):
		return osWindows
	case macName.MatchString(s):
		return osMacOS
	case linuxName.MatchString(s):
		return osLinux
	}
	return ""
}

// poolOS tells which operating system a pool asks for, and what in the
// pool says so: 1ES pools say it with os:, hosted pools with vmImage,
// private pools with an Agent.OS or ImageOverride demand or an image name.
// expand replaces macros; a value still holding a macro tells nothing.
func poolOS(p *Pool, expand func(string) string) (string, string) {
	if p == nil || strings.EqualFold(p.Name, "server") {
		return "", ""
	}
	known := func(s string) (string, bool) {
		s = strings.TrimSpace(expand(s))
		return s, s != "" && !strings.Contains(s, "$(")
	}
	if s, ok := known(p.OS); ok {
		switch strings.ToLower(s) {
		case "windows":
			return osWindows, "os: " + s
		case "macos", "osx", "darwin":
			return osMacOS, "os: " + s
		case "linux":
			return osLinux, "os: " + s
		}
	}
	if s, ok := known(p.VMImage); ok {
		if o := osOfName(s); o != "" {
			return o, "vmImage: " + s
		}
	}
	if s, ok := known(p.Image); ok {
		if o := osOfName(s); o != "" {
			return o, "image: " + s
		}
	}
	for _, d := range p.Demands {
		s, ok := known(d)
		if !ok {
			continue
		}
		name, value, found := strings.Cut(s, " -equals ")
		if !found {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "agent.os":
			switch strings.ToLower(strings.TrimSpace(value)) {
			case "windows_nt":
				return osWindows, "demand " + s
			case "darwin":
				return osMacOS, "demand " + s
			case "linux":
				return osLinux, "demand " + s
			}
		case "imageoverride":
			if o := osOfName(value); o != "" {
				return o, "demand " + s
			}
		}
	}
	if s, ok := known(p.Name); ok && strings.HasPrefix(strings.ToLower(s), "hosted ") {
		if o := osOfName(strings.TrimPrefix(strings.ToLower(s), "hosted ")); o != "" {
			return o, "pool " + s
		}
	}
	return "", ""
}
