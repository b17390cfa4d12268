#!/usr/bin/env python3
"""get_recent_logs [--lines=N] [--] SERVICE: prints the last N log lines of a service as JSON (demo data)."""
import argparse
import json

LOGS = {
    "payments": [
        "ERROR: connection timeout to database:5432",
        "ERROR: connection timeout to database:5432",
        "WARN: connection pool exhausted (50/50)",
        "ERROR: upstream request failed with 503",
        "INFO: health check failed",
    ],
    "database": [
        "WARN: disk usage at 91%",
        "WARN: query queue depth: 847",
        "WARN: slow query (12.4s): SELECT * FROM ledger_entries WHERE ...",
        "INFO: autovacuum running on ledger_entries",
    ],
}

parser = argparse.ArgumentParser()
parser.add_argument("service")
parser.add_argument("--lines", type=int, default=20)
args = parser.parse_args()
lines = LOGS.get(args.service, ["INFO: all good"])
print(json.dumps({"service": args.service, "logs": lines[-max(args.lines, 0):] if args.lines else []}))
