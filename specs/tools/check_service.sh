#!/bin/sh
# check_service SERVICE: health and recent error rate as JSON (a deterministic stand-in for a real probe).
service="${1:-unknown}"
case "$service" in
  payments) printf '{"service":"%s","status":"degraded","error_rate":0.37,"http_503_last_5m":412}\n' "$service" ;;
  *) printf '{"service":"%s","status":"healthy","error_rate":0.0,"http_503_last_5m":0}\n' "$service" ;;
esac
