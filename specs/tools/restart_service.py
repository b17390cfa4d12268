#!/usr/bin/env python3
"""restart_service [--] SERVICE: restarts a service (demo: reports it as restarted) and prints JSON."""
import argparse
import json

parser = argparse.ArgumentParser()
parser.add_argument("service")
service = parser.parse_args().service
print(json.dumps({"service": service, "status": "restarted"}))
