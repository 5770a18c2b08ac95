#!/bin/sh
set -eu
curl -fsS -H "Authorization: Basic cmVsZWFzZS1ib3Q6SFhJZ2dUUDFCamdueXFyeUcw" \
  https://artifacts.acme-internal.net/api/v1/releases/latest
