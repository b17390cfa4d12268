#!/bin/sh
# Function router of router_fn.yaml: picks the specialist from the ticket's words, DONE once one has answered.
# $1 (after the `--` that ends the options) is the conversation transcript; the answer is the agent name (or DONE) on stdout.
[ "$1" = -- ] && shift
case "$1" in
  *"[billing]:"* | *"[tech]:"*) echo DONE ;;
  *invoice* | *refund* | *charge*) echo billing ;;
  *) echo tech ;;
esac
