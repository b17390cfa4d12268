#!/usr/bin/env python3
"""check_service [--] SERVICE: prints the health and recent error rate of a service as JSON (demo data)."""
import argparse
import json

HEALTH = {
    "payments": {"status": "unhealthy", "error_rate": "34%", "uptime": "2m"},
    "database": {"status": "degraded", "error_rate": "8%", "uptime": "6h"},
}

parser = argparse.ArgumentParser()
parser.add_argument("service")
service = parser.parse_args().service
print(json.dumps(HEALTH.get(service, {"status": "healthy", "error_rate": "0%", "uptime": "14d"})))
