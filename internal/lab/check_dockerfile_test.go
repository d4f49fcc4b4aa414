package lab

import (
	"strings"
	"testing"
	"testing/fstest"
)

const goodDockerfile = `# syntax=docker/dockerfile:1
ARG DOTNET_VERSION=10.0
FROM mcr.microsoft.com/dotnet/sdk:${DOTNET_VERSION} AS build
WORKDIR /src
COPY . .
RUN dotnet publish -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:${DOTNET_VERSION}-alpine AS final
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
USER $APP_UID
HEALTHCHECK --interval=30s CMD wget -qO- http://localhost:8080/healthz || exit 1
ENTRYPOINT ["dotnet", "Orders.Api.dll"]
`

func TestDockerfileCheck(t *testing.T) {
	all := "type: dockerfile\nmin_stages: 2\nbase_pinned: true\nbase_image: '^mcr\\.microsoft\\.com/dotnet/aspnet:'\nnon_root: true\nbase_env: {APP_UID: '1654'}\nhealthcheck: true\nexpose: ['8080']\nno_secrets: true\ncopy_from_stage: true\nfeedback: f"
	edit := func(old, new string) map[string]string {
		if !strings.Contains(goodDockerfile, old) {
			t.Fatalf("the test Dockerfile has no %q", old)
		}
		return map[string]string{"Dockerfile": strings.Replace(goodDockerfile, old, new, 1)}
	}
	tests := []struct {
		name   string
		check  string
		files  map[string]string
		pass   bool
		detail string // a part of the detail
	}{
		{"all good", all, map[string]string{"Dockerfile": goodDockerfile}, true, "final base mcr.microsoft.com/dotnet/aspnet:10.0-alpine"},
		{"one stage", "type: dockerfile\nmin_stages: 2\nfeedback: f", map[string]string{"Dockerfile": "FROM alpine:3.20\nRUN true\n"}, false, "1 stage(s)"},
		{"empty", "type: dockerfile\nmin_stages: 1\nfeedback: f", map[string]string{"Dockerfile": "# nothing\n"}, false, "no instructions"},
		{"no FROM", "type: dockerfile\nmin_stages: 1\nfeedback: f", map[string]string{"Dockerfile": "RUN make\n"}, false, "line 1"},
		{"syntax error names the line", "type: dockerfile\nmin_stages: 1\nfeedback: f", map[string]string{"Dockerfile": "FROM alpine:3.20\nCOPY\n"}, false, "line 2"},
		{"unknown instruction", "type: dockerfile\nmin_stages: 1\nfeedback: f", map[string]string{"Dockerfile": "FROM alpine:3.20\nFETCH x\n"}, false, "line 2"},
		{"missing file", "type: dockerfile\nfile: src/Dockerfile\nmin_stages: 1\nfeedback: f", map[string]string{"Dockerfile": goodDockerfile}, false, "cannot read src/Dockerfile"},
		{"latest", "type: dockerfile\nbase_pinned: true\nfeedback: f", edit("${DOTNET_VERSION}-alpine", "latest"), false, ":latest"},
		{"no tag", "type: dockerfile\nbase_pinned: true\nfeedback: f", edit(":${DOTNET_VERSION}-alpine", ""), false, "has no tag"},
		{"registry port is not a tag", "type: dockerfile\nbase_pinned: true\nfeedback: f", map[string]string{"Dockerfile": "FROM registry.contoso.com:5000/base/aspnet\n"}, false, "has no tag"},
		{"digest", "type: dockerfile\nbase_pinned: true\nfeedback: f", edit(":${DOTNET_VERSION}-alpine", "@sha256:5b4c0f8e0f4d4f6b9f3c6d1f0f0d5e3b0c2a7c1e1b7d8a8b7c6f2e1d0c9b8a7f"), true, "@sha256:"},
		{"build argument without default", "type: dockerfile\nbase_pinned: true\nfeedback: f", edit("ARG DOTNET_VERSION=10.0", "ARG DOTNET_VERSION"), false, "has no default"},
		{"final stage from an earlier stage", "type: dockerfile\nbase_pinned: true\nfeedback: f",
			map[string]string{"Dockerfile": "FROM nginx:1.27-alpine AS base\nFROM base\nUSER nginx\n"}, true, "nginx:1.27-alpine"},
		{"final stage from a latest base stage", "type: dockerfile\nbase_pinned: true\nfeedback: f",
			map[string]string{"Dockerfile": "FROM nginx AS base\nFROM base\n"}, false, "Dockerfile:1"},
		{"other image than asked", "type: dockerfile\nbase_image: '^mcr\\.microsoft\\.com/dotnet/aspnet:'\nfeedback: f", edit("dotnet/aspnet", "dotnet/sdk"), false, "not the image asked"},
		{"USER root", "type: dockerfile\nnon_root: true\nfeedback: f", edit("USER $APP_UID", "USER root"), false, "which is root"},
		{"USER 0:0", "type: dockerfile\nnon_root: true\nfeedback: f", edit("USER $APP_UID", "USER 0:0"), false, "which is root"},
		{"no USER", "type: dockerfile\nnon_root: true\nfeedback: f", edit("USER $APP_UID\n", ""), false, "no USER"},
		{"USER from an unknown variable", "type: dockerfile\nnon_root: true\nfeedback: f", edit("USER $APP_UID", "USER $RUN_AS"), false, "RUN_AS is not defined"},
		{"USER from a variable set to root", "type: dockerfile\nnon_root: true\nfeedback: f", edit("USER $APP_UID", "ENV RUN_AS=root\nUSER $RUN_AS"), false, "which is root"},
		{"USER from the base image's variable", "type: dockerfile\nnon_root: true\nbase_env: {APP_UID: '1654'}\nfeedback: f", map[string]string{"Dockerfile": goodDockerfile}, true, "user 1654"},
		{"USER named", "type: dockerfile\nnon_root: true\nfeedback: f", edit("USER $APP_UID", "USER app"), true, "user app"},
		{"USER root again at the end", "type: dockerfile\nnon_root: true\nbase_env: {APP_UID: '1654'}\nfeedback: f", edit("ENTRYPOINT", "USER root\nENTRYPOINT"), false, "which is root"},
		{"USER only in the build stage", "type: dockerfile\nnon_root: true\nfeedback: f",
			map[string]string{"Dockerfile": "FROM alpine:3.20 AS build\nUSER app\nFROM alpine:3.20\nCOPY --from=build /a /a\n"}, false, "no USER"},
		{"USER inherited from the base stage", "type: dockerfile\nnon_root: true\nfeedback: f",
			map[string]string{"Dockerfile": "FROM alpine:3.20 AS base\nUSER 10001\nFROM base\nCMD [\"sh\"]\n"}, true, "user 10001"},
		{"an unknown USER made good by a later one", "type: dockerfile\nnon_root: true\nfeedback: f", edit("ENTRYPOINT", "USER app\nENTRYPOINT"), true, "user app"},
		{"no HEALTHCHECK", "type: dockerfile\nhealthcheck: true\nfeedback: f", edit("HEALTHCHECK --interval=30s CMD wget -qO- http://localhost:8080/healthz || exit 1\n", ""), false, "no HEALTHCHECK"},
		{"HEALTHCHECK NONE", "type: dockerfile\nhealthcheck: true\nfeedback: f", edit("HEALTHCHECK --interval=30s CMD wget -qO- http://localhost:8080/healthz || exit 1", "HEALTHCHECK NONE"), false, "turns the health check off"},
		{"HEALTHCHECK only in the build stage", "type: dockerfile\nhealthcheck: true\nfeedback: f",
			map[string]string{"Dockerfile": "FROM alpine:3.20 AS build\nHEALTHCHECK CMD true\nFROM alpine:3.20\n"}, false, "no HEALTHCHECK"},
		{"expose tcp written out", "type: dockerfile\nexpose: ['8080/tcp']\nfeedback: f", map[string]string{"Dockerfile": goodDockerfile}, true, "8080/tcp"},
		{"expose another port", "type: dockerfile\nexpose: ['8080']\nfeedback: f", edit("EXPOSE 8080", "EXPOSE 80"), false, "does not EXPOSE 8080/tcp"},
		{"expose one port too many", "type: dockerfile\nexpose: ['8080']\nfeedback: f", edit("EXPOSE 8080", "EXPOSE 8080 22"), false, "also exposes 22/tcp"},
		{"expose nothing", "type: dockerfile\nexpose: []\nfeedback: f", edit("EXPOSE 8080\n", ""), true, "exposes none"},
		{"ENV password", "type: dockerfile\nno_secrets: true\nfeedback: f", edit("ENV ASPNETCORE_HTTP_PORTS=8080", "ENV DB_PASSWORD=Pa55w0rd!"), false, "ENV DB_PASSWORD"},
		{"ENV connection string .NET style", "type: dockerfile\nno_secrets: true\nfeedback: f", edit("ENV ASPNETCORE_HTTP_PORTS=8080", "ENV ConnectionStrings__Orders=\"Server=tcp:sql;Password=x\""), false, "ConnectionStrings__Orders"},
		{"ENV from a build argument", "type: dockerfile\nno_secrets: true\nfeedback: f", edit("ENV ASPNETCORE_HTTP_PORTS=8080", "ARG API_KEY\nENV API_KEY=$API_KEY"), false, "ENV API_KEY"},
		{"ARG secret default", "type: dockerfile\nno_secrets: true\nfeedback: f", edit("WORKDIR /src", "ARG NUGET_TOKEN=ghp_abc123\nWORKDIR /src"), false, "ARG NUGET_TOKEN"},
		{"ARG secret before FROM", "type: dockerfile\nno_secrets: true\nfeedback: f", edit("ARG DOTNET_VERSION=10.0", "ARG DOTNET_VERSION=10.0\nARG StorageAccountKey=abc=="), false, "ARG StorageAccountKey"},
		{"ARG without value", "type: dockerfile\nno_secrets: true\nfeedback: f", edit("WORKDIR /src", "ARG NUGET_TOKEN\nWORKDIR /src"), true, "no secret"},
		{"public key is no secret", "type: dockerfile\nno_secrets: true\nfeedback: f", edit("ENV ASPNETCORE_HTTP_PORTS=8080", "ENV SIGNING_PUBLIC_KEY=abc"), true, "no secret"},
		{"key vault name is no secret", "type: dockerfile\nno_secrets: true\nfeedback: f", edit("ENV ASPNETCORE_HTTP_PORTS=8080", "ENV KEYVAULT_URI=https://kv-orders.vault.azure.net/"), true, "no secret"},
		{"COPY --from an external image", "type: dockerfile\ncopy_from_stage: true\nfeedback: f", edit("COPY --from=build /app .", "COPY --from=mcr.microsoft.com/dotnet/sdk:10.0 /app ."), false, "copies nothing from an earlier stage"},
		{"COPY --from by index", "type: dockerfile\ncopy_from_stage: true\nfeedback: f", edit("COPY --from=build /app .", "COPY --from=0 /app ."), true, "COPY --from=0"},
		{"COPY --from a stage name in capitals", "type: dockerfile\ncopy_from_stage: true\nfeedback: f", edit("COPY --from=build /app .", "COPY --from=BUILD /app ."), true, "COPY --from=BUILD"},
		{"no COPY --from", "type: dockerfile\ncopy_from_stage: true\nfeedback: f", edit("COPY --from=build /app .", "COPY . ."), false, "copies nothing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			l := testLab(t, one(tc.check), nil)
			got := verdict(t, l, workspace(t, tc.files, false))
			if got.Passed != tc.pass {
				t.Fatalf("passed %v, want %v: %s", got.Passed, tc.pass, got.Detail)
			}
			if !strings.Contains(got.Detail, tc.detail) {
				t.Fatalf("detail %q does not say %q", got.Detail, tc.detail)
			}
		})
	}
}

func TestDockerfileLoadErrors(t *testing.T) {
	tests := []struct{ name, check, want string }{
		{"nothing asked", "type: dockerfile\nfeedback: f", "give at least one of"},
		{"bad port", "type: dockerfile\nexpose: [http]\nfeedback: f", `"http" is not a port`},
		{"bad regexp", "type: dockerfile\nbase_image: '('\nfeedback: f", "base_image"},
		{"outside", "type: dockerfile\nfile: ../Dockerfile\nhealthcheck: true\nfeedback: f", "inside the workspace"},
		{"unknown parameter", "type: dockerfile\nhealthcheck: true\nrootless: true\nfeedback: f", "field rootless not found"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if msg := loadError(t, one(tc.check)); !strings.Contains(msg, tc.want) {
				t.Fatalf("diagnostics:\n%s\nwant one with %q", msg, tc.want)
			}
		})
	}
}

// loadError loads a lab with the given tasks and returns its diagnostics,
// one a line.
func loadError(t *testing.T, tasks string) string {
	t.Helper()
	fsys := fstest.MapFS{
		"l/lab.yaml":  {Data: []byte("id: l\ntitle: T\npool: practice\nminutes: 5\ndifficulty: 1\nobjectives: {v1: [a]}\nverified: 2026-12-01\nreferences: [https://example.org]\nsolution: s.sh\ntasks:\n" + tasks)},
		"l/README.md": {Data: []byte("x")},
		"l/s.sh":      {Data: []byte("true")},
	}
	_, diags := Load(fsys, "l", "content/l")
	all := ""
	for _, d := range diags {
		all += d.String() + "\n"
	}
	return all
}

func TestSecretName(t *testing.T) {
	for name, want := range map[string]bool{
		"DB_PASSWORD": true, "ApiKey": true, "GITHUB_TOKEN": true, "ConnectionStrings__Db": true, "AZURE_CLIENT_SECRET": true,
		"APPINSIGHTS_INSTRUMENTATIONKEY": true, "auth": true,
		"KEYVAULT_URI": false, "PUBLIC_KEY": false, "KEY_FILE": false, "ASPNETCORE_HTTP_PORTS": false, "DOTNET_VERSION": false, "MONKEY_BUSINESS": true,
	} {
		if got := secretName(name); got != want {
			t.Errorf("secretName(%q) = %v, want %v", name, got, want)
		}
	}
}

// FuzzDockerfile: any text parses or gives an error, never a panic, and a
// parsed Dockerfile can be checked.
func FuzzDockerfile(f *testing.F) {
	f.Add(goodDockerfile)
	f.Add("FROM a AS b\nFROM b\nFROM c\nCOPY --from=1 x y\n")
	f.Add("ARG X\nFROM ${X:-a}:${Y}\nUSER ${U:?}\nEXPOSE 1-2/udp $P\n")
	f.Add("FROM a\nRUN <<EOF\nx\nEOF\nHEALTHCHECK NONE\n")
	f.Add("# escape=`\nFROM a\nENV A=1 `\n  B=2\n")
	p := &dockerfileParams{MinStages: 2, BasePinned: true, NonRoot: true, Healthcheck: true, Expose: []string{"8080"}, NoSecrets: true, CopyFromStage: true}
	f.Fuzz(func(t *testing.T, src string) {
		df, err := parseDockerfile([]byte(src))
		if err != nil {
			if df != nil {
				t.Fatal("an error and a Dockerfile")
			}
			return
		}
		o := df.check("Dockerfile", p)
		if o.Detail == "" {
			t.Fatal("an outcome without a detail")
		}
	})
}
