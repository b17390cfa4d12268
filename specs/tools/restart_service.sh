#!/bin/sh
# restart_service SERVICE: pretends to restart SERVICE and reports the outcome as JSON.
service="${1:-unknown}"
printf '{"service":"%s","restarted":true,"status":"healthy"}\n' "$service"
