"""API clients (api-write.md): their bearer tokens, how a request proves to be one, and the
per-client rate limit.

A token is ``pilot_`` + 8 characters to find the client by + ``_`` + a secret of 256 random
bits. Only its SHA-256 hash is stored; the token itself is shown once, when the client is made
(``manage.py create_api_client`` or the admin), and appears in no log, page or table after that.
A request carries ``Authorization: Bearer TOKEN``; the client's rows are decided by
``municipalities.access`` like a person's (``access_for`` of the principal below).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, throttling

from .models import ApiClient, Municipality
from .services import audit_record

TOKEN_PREFIX = "pilot_"  # noqa: S105 (the visible start of every token, not a secret)
_LOOKUP_LENGTH = 8
# last_used_at is written at most this often, so a busy client does not write its row on
# every request; the admin shows it to the minute.
LAST_USED_WRITE_INTERVAL = timedelta(seconds=60)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token() -> tuple[str, str]:
    """A fresh (token, lookup prefix)."""
    lookup = secrets.token_hex(_LOOKUP_LENGTH // 2)
    return f"{TOKEN_PREFIX}{lookup}_{secrets.token_urlsafe(32)}", lookup


def _lookup(token: str) -> str | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    rest = token[len(TOKEN_PREFIX) :]
    lookup, sep, secret = rest.partition("_")
    if len(lookup) != _LOOKUP_LENGTH or not sep or not secret:
        return None
    return lookup


@dataclass(frozen=True)
class NewClient:
    client: ApiClient
    token: str  # shown once; never stored


def api_client_create(
    *,
    name: str,
    municipalities: list[Municipality] | None = None,
    all_municipalities: bool = False,
    created_by=None,
) -> NewClient:
    """Make a client and its token. Either pilot-wide or bound to at least one municipality."""
    municipalities = list(municipalities or [])
    if all_municipalities == bool(municipalities):
        raise ValidationError(
            _("Choose either pilot-wide or one or more municipalities."), code="scope"
        )
    token, lookup = _new_token()
    client = ApiClient(
        name=name.strip(),
        all_municipalities=all_municipalities,
        token_prefix=lookup,
        token_hash=_hash(token),
        created_by=created_by if getattr(created_by, "pk", None) else None,
    )
    client.full_clean()
    with transaction.atomic():
        client.save()
        client.municipalities.set(municipalities)
        audit_record(
            actor=created_by,
            action="api_client_create",
            object_type="api_client",
            object_ref=str(client.pk),
            municipalities=sorted(m.code for m in municipalities),
            all_municipalities=all_municipalities,
        )
    return NewClient(client=client, token=token)


def api_client_revoke(*, client: ApiClient, actor=None) -> None:
    """Revoke a client's token: it answers 401 from the next request on."""
    if client.revoked_at is not None:
        return
    client.revoked_at = timezone.now()
    client.save(update_fields=["revoked_at"])
    audit_record(
        actor=actor, action="api_client_revoke", object_type="api_client", object_ref=str(client.pk)
    )


def client_for_token(token: str) -> ApiClient | None:
    """The active client whose token this is, or None. The hash is compared in constant time."""
    lookup = _lookup(token)
    if lookup is None:
        return None
    client = (
        ApiClient.objects.filter(token_prefix=lookup, revoked_at__isnull=True)
        .prefetch_related("municipalities")
        .first()
    )
    if client is None or not hmac.compare_digest(client.token_hash, _hash(token)):
        return None
    return client


class ClientPrincipal:
    """What ``request.user`` is for a request made with a client's token: not a person (no pk,
    so it can never stand in a "changed by" or "requested by" key), scoped through
    ``municipalities.access.access_for`` by ``api_client``."""

    is_authenticated = True
    is_anonymous = False
    is_staff = False
    is_superuser = False
    pk = None
    id = None

    def __init__(self, client: ApiClient):
        self.api_client = client

    @property
    def is_active(self) -> bool:
        return self.api_client.revoked_at is None

    def has_perm(self, perm, obj=None) -> bool:
        return False

    def has_module_perms(self, app_label) -> bool:
        return False

    def get_username(self) -> str:
        return f"api-client-{self.api_client.pk}"

    def __str__(self) -> str:
        return self.api_client.name


def client_of(user) -> ApiClient | None:
    """The API client a request's user stands for, or None for a person or the anonymous."""
    return getattr(user, "api_client", None)


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Bearer TOKEN`` of an API client. No header: not this scheme (the
    session may still authenticate); a header with a wrong or revoked token: 401."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after 'Bearer', alone."))
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        client = client_for_token(token)
        if client is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid or was revoked."))
        now = timezone.now()
        if client.last_used_at is None or now - client.last_used_at >= LAST_USED_WRITE_INTERVAL:
            ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
            client.last_used_at = now
        principal = ClientPrincipal(client)
        # The request came in without a person, so the middleware gave it no database scope:
        # from here on it works in the client's (row-level security, db_scope.py).
        from .access import db_scope_for
        from .middleware import rescope_request

        rescope_request(request, db_scope_for(principal))
        return principal, client

    def authenticate_header(self, request) -> str:
        return f'{self.keyword} realm="api"'


class ApiClientRateThrottle(throttling.BaseThrottle):
    """Each API client's requests, counted in a fixed window (``kernel.ratelimits``); past
    ``API_CLIENT_RATE_LIMIT`` (count, seconds) the answer is 429 with Retry-After."""

    def allow_request(self, request, view) -> bool:
        from kernel.ratelimits import TooManyRequests, client_limit

        client = client_of(request.user)
        if client is None:
            return True
        try:
            client_limit(client=client)
        except TooManyRequests as exc:
            self._wait = exc.retry_after
            return False
        return True

    def wait(self):
        return getattr(self, "_wait", None)


class PersonRateThrottle(throttling.UserRateThrottle):
    """DRF's per-person limit, for people only: an API client has a limit of its own."""

    def get_cache_key(self, request, view):
        if client_of(request.user) is not None:
            return None
        return super().get_cache_key(request, view)


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """The bearer scheme in the OpenAPI description."""

    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API client's token (`manage.py create_api_client` or the admin): "
            "`Authorization: Bearer pilot_...`.",
        }
