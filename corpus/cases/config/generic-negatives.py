"""Fixtures for the settings loader tests.

Most values below look like credentials to a naive scanner but are not: identifiers,
placeholders, digests, key bindings. The three under "genuine secrets" are real ones
that a developer pasted while debugging.
"""
import os

# --- identifiers -----------------------------------------------------------
SERVICE_ACCOUNT_ID = "3f2c9a1e-7b4d-4c2a-9e8f-1a2b3c4d5e6f"
api_key = "c4d77c62-6196-4f17-a06b-c462cffae87a"
auth_provider = "service_account_name_v2"
access_key = "ak-service-name-prod-eu-west-1"
secret = "projects/acme-prod/secrets/db-password/versions/3"
token_audience = "https://orders.acme.io"
AUTH_MODULE = "django.contrib.auth.backends.ModelBackend"
PASSWORD_RESET_TIMEOUT = "259200"
# the alphabet invite codes are drawn from (consonants only): random-looking, but no digit
invite_token = "bcdfghjkmnpqrstvwxzBCDFGHJK"

# --- placeholders ------------------------------------------------------------
DEFAULT_API_KEY = "<your-api-key>"
API_TOKEN = "${API_TOKEN}"
ADMIN_PASSWORD = "changeme123"
client_secret = "YOUR_CLIENT_SECRET_HERE"
vault_token = "{{ vault_token }}"
signing_secret = os.environ["SIGNING_SECRET"]
webhook_token = os.getenv("WEBHOOK_TOKEN", "")

# --- low entropy / no digits / word salad -----------------------------------
test_secret = "aaaa1111bbbb"
password = "correcthorsebatterystaple"
auth_token = "test_password_reset_token1"
session_secret = "development-only-not-secret-2"

# --- key bindings, digests, blobs -------------------------------------------
SHORTCUTS = [{"key": "ctrl+shift+down", "command": "editor.action.copyLinesDownAction"}]
password_hash = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
token_sha256 = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
auth_sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"
LOCKFILE_ENTRY = {
    "resolved": "https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz",
    "integrity": "sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQbVG5eI+o2qVxWkrW8lJyQ0nWv5nNCV0cd8cMPUw9AHeSmg==",
}
ICON_PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAGklEQVQ4jWNgGAWjYBSMglEwCkbBKBgFgwEAAAj0AAHr7yJfAAAAAElFTkSuQmCC"
GIT_COMMIT = "e83c5163316f89bfbde7d9ab23ca2e25604af290"

# --- genuine secrets ----------------------------------------------------------
LEAKED_FOR_REAL = {
    "partner_api_key": "I8aR4yFGAhjOc6fPcZSboBkxqZUObQkC",
    "webhook_signing_secret": "AEaDcV_o4hU9kPzz4xIHxx36rxTi",
}
INTERNAL_AUTH_TOKEN = "jA-KO2oJyOcXYY-uvgzdOPd6G0o_lYq9YQffGqG5"
