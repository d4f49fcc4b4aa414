# syntax=docker/dockerfile:1
# certlab in a container: a static binary (pure-Go SQLite, no cgo) on a
# distroless base with no shell, run as an unprivileged user.
#
#   docker build -t certlab .
#   docker run -p 8080:8080 -v certlab-data:/var/lib/certlab certlab
#
# With PostgreSQL set CERTLAB_DB=postgres://… and CERTLAB_KEY_SECRET (or
# _FILE); see docs/operations.md.

# GO_VERSION is the Go toolchain of the build stage (go.mod's go line).
ARG GO_VERSION=1.26.8

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/certlab ./cmd/certlab \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/certlab /usr/local/bin/certlab
COPY --from=build --chown=65532:65532 /out/data /var/lib/certlab
USER 65532:65532
ENV CERTLAB_ADDR=0.0.0.0:8080 \
    CERTLAB_DB=/var/lib/certlab/certlab.db \
    CERTLAB_LOG_FORMAT=json
EXPOSE 8080
VOLUME ["/var/lib/certlab"]
HEALTHCHECK --interval=30s --timeout=3s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/certlab", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/certlab"]
CMD ["serve"]
