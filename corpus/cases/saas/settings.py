"""Django settings for the community site (production overrides)."""
import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
DEBUG = False
ALLOWED_HOSTS = ["community.acme.io"]

# --- Social login (python-social-auth)
SOCIAL_AUTH_TWITTER_KEY = "0pFngKIAMoNC73qkUsVaYSVJI"
SOCIAL_AUTH_TWITTER_SECRET = "ap9BY4otZGPNgRupIpl4xY5ryP4RVWqlJGHXks3SYv0uKLVcJL"
SOCIAL_AUTH_LINKEDIN_OAUTH2_KEY = os.environ["LINKEDIN_CLIENT_ID"]
SOCIAL_AUTH_LINKEDIN_OAUTH2_SECRET = "WPL_AP1.GdA0uWJzuoB7rNgu.d/I1zw=="
SOCIAL_AUTH_FACEBOOK_KEY = "4944317995142270"
SOCIAL_AUTH_FACEBOOK_SECRET = "355962d249022b025af923d24c943a16"

# --- X API v2 (timeline widget and the release bot)
TWITTER_BEARER_TOKEN = os.environ.get("TWITTER_BEARER_TOKEN", "AAAAAAAAAAAAAAAAAAAAAjHhqAAAAAAAU24SvVTvAWvXVgsVwPq%2FDd%2BwO%3Dji6zFSHBAbsfBPZnG4Sde5rPYG8VttPDAUQU308MWy3XRNk5Y2")
TWITTER_ACCESS_TOKEN = "1318316070423661526-ITSChl1bS8afWdpsdeaWe7O2POysnktPG0OpCDWn"
TWITTER_ACCESS_TOKEN_SECRET = "rbwjN3BysA2VYbxKljMKFrLfYaAposGODK9W79nB8FJeO"

# --- Keycloak (staff SSO)
KEYCLOAK_SERVER_URL = "https://sso.acme.io"
KEYCLOAK_REALM = "staff"
KEYCLOAK_CLIENT_ID = "community-web"
KEYCLOAK_CLIENT_SECRET = "PPaXItcTk6S2WGLxnT5vQeeOXVIaSR78"

# --- WorkOS (enterprise SSO for partners)
WORKOS_API_KEY = "sk_test_a2V5XzAxUDk4SkNNTjNXOFA4OVBZVjBHVDlCUlhFLFRHbjB3VkZuZkNCUVdCY01BaTl5SGtjMG0"
WORKOS_CLIENT_ID = "client_01Z4M37ZXM1KBG1B24Y0D16JM6"

# --- Clerk (new member dashboard, behind a feature flag)
CLERK_SECRET_KEY = "sk_test_bdJhmUG8V6AOnZHJx1RLp2iEpf5y44k4dNraFwbNxw"
CLERK_PUBLISHABLE_KEY = "pk_test_Y2xlcmsuY29tbXVuaXR5LmFjbWUuaW8k"

# --- Duo (admin 2FA, Universal Prompt)
DUO_CLIENT_ID = "DI6VHMA4E53PCKEWRSEB"
DUO_CLIENT_SECRET = "1Nuq2jtg4yMnvdQZb122La1F8AK7E9Awmq2naz13"
DUO_API_HOSTNAME = "api-3f9a1c2e.duosecurity.com"

# --- Stytch magic links (staging)
STYTCH_PROJECT_ID = "project-test-6b0a9c01-7854-46d4-8ec5-bb2814dccb09"
STYTCH_SECRET = os.environ.get("STYTCH_SECRET", "")

CACHE_KEY_PREFIX = "community"
SESSION_COOKIE_AGE = 1209600
