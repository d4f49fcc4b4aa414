#!/usr/bin/env bash
# Applies the pending EF Core migrations to the Tailspin database.
# Usage: migrate.sh --server HOST [--password PASSWORD]
# Without --password the password is read from SQL_ADMIN_PASSWORD.
set -euo pipefail
server="" password="${SQL_ADMIN_PASSWORD:-}"
while [ $# -gt 0 ]; do
  case "$1" in
    --server) server=$2; shift 2 ;;
    --password) password=$2; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
: "${server:?--server is required}" "${password:?set SQL_ADMIN_PASSWORD}"
# The design-time DbContext factory reads the connection string from the environment.
export ConnectionStrings__Tailspin="Server=tcp:$server,1433;Database=tailspin;User ID=tailspinadmin;Encrypt=True;Password=$password"
dotnet ef database update --project src/Tailspin.Data
