#!/bin/sh
# stop_when of stop_when.yaml: prints true (stop the agent loop) once the agent's answer says the deployment is LIVE.
# $1 (after the `--` that ends the options) is the agent's latest answer.
[ "$1" = -- ] && shift
case "$1" in
  *LIVE*) echo true ;;
  *) echo false ;;
esac
