"""Production: every secret comes from the environment; nothing insecure is defaulted, and a
weak key stops start-up."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env

# Keys that were ever written down (development, tests, old compose defaults): a deployment
# using one of them is as open as one without a key.
KNOWN_KEYS = frozenset(
    {
        "dev-only-insecure-key-change-me",
        "dev-only-pseudonym-key",
        "test-pseudonym-key",
        "change-me-in-production",
        "change-me-too",
        "change-me",
    }
)
# SECRET_KEY signs sessions and password-reset links; Django's own deployment check asks for
# 50 characters. PSEUDONYM_KEY keys the HMAC of the research pseudonyms: 32 random characters
# (about 190 bits) put a search over keys out of reach even for someone who knows the ids.
MIN_KEY_LENGTH = {"SECRET_KEY": 50, "PSEUDONYM_KEY": 32}
KEY_ADVICE = "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(48))'"


def strong_key(name: str) -> str:
    """The key ``name`` from the environment, or an error that stops start-up."""
    value = env(name, default="")
    minimum = MIN_KEY_LENGTH[name]
    if not value:
        raise ImproperlyConfigured(f"{name} is not set; {KEY_ADVICE}")
    if value in KNOWN_KEYS or value.startswith(("dev-only", "django-insecure")):
        raise ImproperlyConfigured(f"{name} is a published default key; {KEY_ADVICE}")
    if len(value) < minimum or len(set(value)) < 5:
        raise ImproperlyConfigured(
            f"{name} is too weak: at least {minimum} characters, not repetitive; {KEY_ADVICE}"
        )
    return value


DEBUG = False
SECRET_KEY = strong_key("SECRET_KEY")
PSEUDONYM_KEY = strong_key("PSEUDONYM_KEY")
if SECRET_KEY == PSEUDONYM_KEY:
    raise ImproperlyConfigured("SECRET_KEY and PSEUDONYM_KEY must differ; " + KEY_ADVICE)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# HTTPS only, behind a proxy that terminates TLS and says so in X-Forwarded-Proto. The health
# check also answers plain HTTP, for the load balancer and compose's own check.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)

# The API answers JSON only: no browsable HTML API in production.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")

# WhiteNoise serves the collected static files from gunicorn; no separate web server needed.
MIDDLEWARE = [MIDDLEWARE[0], "whitenoise.middleware.WhiteNoiseMiddleware", *MIDDLEWARE[1:]]  # noqa: F405
