"""Django settings for the storefront project (staging)."""
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = "MR6gnnne_6MVOToGSIHvhZSKTHeM2hiP"

DEBUG = False
ALLOWED_HOSTS = ["staging.shop.acme.io"]

DATABASES = {
    "default": dj_database_url.parse("postgres://storefront:uImKtWPt2y_z0mXkHY9!@pg-staging.internal:5432/storefront"),
    "analytics": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "analytics",
        "USER": "analytics_ro",
        "PASSWORD": os.environ["ANALYTICS_DB_PASSWORD"],
        "HOST": "pg-analytics.internal",
    },
}

EMAIL_HOST = "smtp.acme.io"
EMAIL_HOST_USER = "apikey"
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")

# Only used by the local test runner.
TEST_ADMIN_PASSWORD = "changeme"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://localhost:6379/1"}}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_USER_MODEL = "accounts.User"
CSRF_COOKIE_SECURE = True
