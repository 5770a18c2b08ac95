"""Production settings for the acme-shop Django project."""
import os

from .base import *  # noqa: F401,F403

DEBUG = False
ALLOWED_HOSTS = ["shop.acme-corp.io"]
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]

# --- Email (django-anymail) ---
EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
ANYMAIL = {
    "POSTMARK_SERVER_TOKEN": "57c9a692-c911-4246-95b6-e1c1ae63228a",
    "MAILGUN_API_KEY": os.environ.get("MAILGUN_API_KEY"),
    "MAILGUN_SENDER_DOMAIN": "mg.acme-corp.io",
}
MANDRILL_API_KEY = "klJ9OsXSwsYydZ3Qtt0Ff-"
MAILCHIMP_API_KEY = "9b8768e78ec041fe1f8cd64f698ced60-us19"
MAILCHIMP_LIST_ID = "8bce270e4d"

# --- Payments ---
STRIPE_PUBLISHABLE_KEY = "pk_live_JxBHghvuKkRtScS3HmPOgE5Hz9tCLWqY3qBzyb438waCB27iaNaPw2WtWl1d7rIeLSdrvQ38jDP0GIuHvf7gtf7NzYDa1dnPrdq"
STRIPE_WEBHOOK_SECRET = "whsec_iVu1yZNtY0RHCuCJAAh1kZwlNAJOhQfr"
PAYPAL_MODE = "live"
PAYPAL_CLIENT_ID = "A5ZTWulyHZD-0Gaed2uR2r8bJecJA1F1bqfgzD5noV_NFortkZzgt3qHbkuEQPhwL8hiiMl_V7jSeDF5"
PAYPAL_CLIENT_SECRET = "E97tYKcJdcOkKEE0rYuLLAh8h2K5f_lB_M6_ZlG_MIPKJAQWdh1OO4Rbg_5Xozi3Ae0nl5HOSd_RDlnx"
RAZORPAY_KEY_ID = "rzp_live_skEr4v0Y5PdbIP"
RAZORPAY_KEY_SECRET = "svV18bljVNwsW00owRQsq4xr"
PLAID_CLIENT_ID = "62886d791958f2483dc795de"
PLAID_SECRET = "0ad4e25b451a3314b304b9bda723fd"
PLAID_ENV = "production"
BRAINTREE_MERCHANT_ID = "405zhht60yhdpgrr"
BRAINTREE_PUBLIC_KEY = "nhq7z7bfai65yvbr"
BRAINTREE_PRIVATE_KEY = "af29b104ada6c503c02600f90248fd0c"

if os.environ.get("BRAINTREE_ENV") == "sandbox":
    # Shared sandbox token for local runs.
    BRAINTREE_ACCESS_TOKEN = "access_token$sandbox$l9hveeesv25y3jrh$f18c014264a76a72282d18c99ec7489b"
