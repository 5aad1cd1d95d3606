"""Security headers on every response that Django renders.

A small middleware rather than django-csp: the policy is one fixed string (no nonces, since no
page has inline script or style), and the same place adds Permissions-Policy and keeps
responses with personal data out of every cache. HSTS comes from Django's SecurityMiddleware
(``SECURE_HSTS_SECONDS`` in production).
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.translation import gettext as _

from kernel.ratelimits import TooManyRequests

# No inline script or style anywhere (htmx is told not to add its indicator style: see the
# htmx-config meta tag in base.html); images may be data: URIs (the QR code of the
# authenticator app setup). Nothing may frame a page.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Features no page of the pilot uses.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


def carries_personal_data(request, response) -> bool:
    """Anything a signed-in person sees, every API answer and every download may hold personal
    data: none of it is stored by a browser or a proxy."""
    user = getattr(request, "user", None)
    return (
        (user is not None and user.is_authenticated)
        or request.path_info.startswith("/api/")
        or response.has_header("Content-Disposition")
    )


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if carries_personal_data(request, response) and not request.path_info.startswith(
            "/" + settings.STATIC_URL.lstrip("/")
        ):
            add_never_cache_headers(response)
        return response


class RequestBodyLimitMiddleware:
    """Refuses a request body larger than ``REQUEST_BODY_MAX_SIZE`` before anything reads it.

    Django's own DATA_UPLOAD_MAX_MEMORY_SIZE leaves file parts of a form out of its count, so
    this limit holds for every body, uploads included. The one page that takes files (the CSV
    import) has a limit of its own, ``IMPORT_UPLOAD_MAX_SIZE``, and says it in a page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length <= min(settings.REQUEST_BODY_MAX_SIZE, settings.IMPORT_UPLOAD_MAX_SIZE):
            # Within both limits: no need to find out which one applies (every request passes).
            return self.get_response(request)
        if request.path_info == import_upload_path():
            if length > settings.IMPORT_UPLOAD_MAX_SIZE:
                from placements.views.imports import upload_too_large

                return upload_too_large(request)
            return self.get_response(request)
        if length > settings.REQUEST_BODY_MAX_SIZE:
            return HttpResponse(
                _("The request is too large."), status=413, content_type="text/plain"
            )
        return self.get_response(request)


def import_upload_path() -> str | None:
    """The import page's path; None under a URL configuration without it (a test's own)."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("placements:import_list")
    except NoReverseMatch:
        return None


class TooManyRequestsMiddleware:
    """Answers ``TooManyRequests`` (kernel/ratelimits.py) with 429 and when to try again."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, TooManyRequests):
            return None
        message = _("You asked for this too often. Please try again in a few minutes.")
        if request.path_info.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=429)
        else:
            response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(exception.retry_after)
        return response


def chosen_language(request) -> str | None:
    """The language a person chose with the language switch: stored on their account once they
    are signed in (so it follows them to another browser), else the switch's cookie."""
    available = dict(settings.LANGUAGES)
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and user.language in available:
        return user.language
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return cookie if cookie in available else None


class LanguageMiddleware:
    """Dutch, whatever the browser asks for: the pages are written for Dutch municipalities, and
    a browser set to English (a shared PC, a phone bought abroad) says nothing about what its
    user reads best. English only when a person chooses it; the site's language
    (``LANGUAGE_CODE``) otherwise. Replaces Django's LocaleMiddleware, which follows
    Accept-Language; it comes after the authentication middleware so that it sees the user."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = chosen_language(request) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        patch_vary_headers(response, ("Cookie",))
        return response
