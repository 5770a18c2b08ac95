"""Settings for the integration test suite: fixtures, not credentials."""

import os

# Characters invite tokens are drawn from (no I or O, which read like digits).
INVITE_TOKEN_BASE = "ABCDEFGHJKLMNPQRSTUVWXYZ"

# Identifier of the OAuth client registered for the staging tenant (public).
AUTH_CLIENT_ID = "3f2b8c1e-9d4a-4f6b-8e2c-7a1d5b9c0e3f"

# The sealed file the harness mounts the database secret from (a path, not the secret).
DB_SECRET = "env/7f3a9c1b/db.yaml"

# Deterministic password for the throwaway fixture user.
TEST_PASSWORD = "abab1212abab"

# Cache backend alias the session store uses between tests.
SESSION_SECRET_VALUE = "django_cache_sessions_v2"

# Real secrets come from the environment.
API_TOKEN = os.environ.get("API_TOKEN", "")
