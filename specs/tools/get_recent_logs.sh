#!/bin/sh
# get_recent_logs SERVICE [LINES]: the last LINES log lines of SERVICE as JSON.
service="${1:-unknown}"
lines="${2:-20}"
case "$lines" in ''|*[!0-9]*) lines=20 ;; esac
[ "$lines" -gt 50 ] && lines=50
printf '{"service":"%s","lines":[' "$service"
i=1
while [ "$i" -le "$lines" ]; do
  [ "$i" -gt 1 ] && printf ','
  if [ "$service" = payments ] && [ $((i % 3)) -eq 0 ]; then
    printf '"ERROR upstream ledger-db: connection pool exhausted (%d/%d)"' "$i" "$lines"
  else
    printf '"INFO request served in %dms"' $((20 + i))
  fi
  i=$((i + 1))
done
printf ']}\n'
