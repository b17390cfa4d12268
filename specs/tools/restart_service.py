#!/usr/bin/env python3
"""restart_service SERVICE: restarts a service (demo: reports it as restarted) and prints JSON."""
import json
import sys

service = sys.argv[1] if len(sys.argv) > 1 else ""
print(json.dumps({"service": service, "status": "restarted"}))
