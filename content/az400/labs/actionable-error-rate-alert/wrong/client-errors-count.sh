#!/usr/bin/env bash
# A plausible wrong solution: 4xx responses count as errors, so bots probing URLs page on-call.
set -euo pipefail
cat > rules/booking-api.yml <<'YAML'
# Booking API: one actionable page per service when more than 5 % of its
# requests fail with a server error for 10 minutes.
groups:
  - name: booking-api
    rules:
      - record: service:http_server_requests_errors:ratio_rate5m
        expr: |
          sum by (service) (rate(http_server_requests_total{service="booking-api", status=~"[45].."}[5m]))
            /
          sum by (service) (rate(http_server_requests_total{service="booking-api"}[5m]))

      - alert: BookingApiHighErrorRate
        expr: service:http_server_requests_errors:ratio_rate5m{service="booking-api"} > 0.05
        for: 10m
        labels:
          severity: critical
          team: bookings
        annotations:
          summary: "{{ $labels.service }}: {{ $value | humanizePercentage }} of requests fail with 5xx"
          description: More than 5 % of the booking API's requests have failed with a server error for 10 minutes. Customers cannot book.
          runbook_url: https://runbooks.margiestravel.example/booking-api/high-error-rate
YAML
