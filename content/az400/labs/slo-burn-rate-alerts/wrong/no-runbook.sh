#!/usr/bin/env bash
# A plausible wrong solution: the alerts work, but on-call gets no runbook link.
set -euo pipefail
cat > rules/checkout-slo.yml <<'YAML'
# SLO: 99.9 % of checkout requests succeed over 30 days (error budget 0.001).
# Multiwindow, multi-burn-rate alerts: a long window shows the budget is
# really burning, a short one (1/12 of it) lets the page clear soon after
# the errors stop.
groups:
  - name: checkout-slo
    rules:
      - record: job:slo_errors_per_request:ratio_rate5m
        expr: |
          sum by (job) (rate(http_requests_total{job="checkout", code=~"5.."}[5m]))
            / sum by (job) (rate(http_requests_total{job="checkout"}[5m]))
      - record: job:slo_errors_per_request:ratio_rate30m
        expr: |
          sum by (job) (rate(http_requests_total{job="checkout", code=~"5.."}[30m]))
            / sum by (job) (rate(http_requests_total{job="checkout"}[30m]))
      - record: job:slo_errors_per_request:ratio_rate1h
        expr: |
          sum by (job) (rate(http_requests_total{job="checkout", code=~"5.."}[1h]))
            / sum by (job) (rate(http_requests_total{job="checkout"}[1h]))
      - record: job:slo_errors_per_request:ratio_rate6h
        expr: |
          sum by (job) (rate(http_requests_total{job="checkout", code=~"5.."}[6h]))
            / sum by (job) (rate(http_requests_total{job="checkout"}[6h]))

      # 2 % of the 30-day budget in 1 hour: burn rate 14.4.
      - alert: CheckoutErrorBudgetFastBurn
        expr: |
          job:slo_errors_per_request:ratio_rate1h{job="checkout"} > (14.4 * 0.001)
            and
          job:slo_errors_per_request:ratio_rate5m{job="checkout"} > (14.4 * 0.001)
        for: 2m
        labels:
          severity: page
        annotations:
          summary: "Checkout is burning its error budget fast: {{ $value | humanizePercentage }} of requests fail"
          description: At this rate the 30-day error budget is gone in about two days.

      # 5 % of the 30-day budget in 6 hours: burn rate 6.
      - alert: CheckoutErrorBudgetSlowBurn
        expr: |
          job:slo_errors_per_request:ratio_rate6h{job="checkout"} > (6 * 0.001)
            and
          job:slo_errors_per_request:ratio_rate30m{job="checkout"} > (6 * 0.001)
        for: 15m
        labels:
          severity: page
        annotations:
          summary: "Checkout is burning its error budget: {{ $value | humanizePercentage }} of requests fail"
          description: At this rate the 30-day error budget is gone in about five days.
YAML
