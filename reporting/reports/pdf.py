"""HTML to PDF with WeasyPrint, fetching nothing but the project's own static files.

WeasyPrint is imported on first use only: importing it costs over a second, which the web
processes never need to pay; the worker pays it once and then keeps it.
"""

from __future__ import annotations

import io
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders

STATIC_SCHEME = "static:"


class RefusedURL(ValueError):
    """A report asked for something outside the project's static files."""


def static_roots() -> list[Path]:
    """Every folder the staticfiles finders serve from (project and app ``static`` folders)."""
    roots: list[Path] = []
    for finder in finders.get_finders():
        for _prefix, storage in getattr(finder, "locations", []):
            roots.append(Path(storage).resolve())
        for storage in getattr(finder, "storages", {}).values():
            location = getattr(storage, "location", None)
            if location:
                roots.append(Path(location).resolve())
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT).resolve())
    return roots


def resolve_static(url: str) -> Path:
    """The file behind ``static:<path>`` or a ``file:`` URL inside a static folder, or refuse."""
    if url.startswith(STATIC_SCHEME):
        relative = unquote(url[len(STATIC_SCHEME) :]).lstrip("/")
        if ".." in Path(relative).parts:
            raise RefusedURL(url)
        found = finders.find(relative)
        if not found:
            raise RefusedURL(url)
        path = Path(found).resolve()
    elif url.startswith("file:"):
        path = Path(unquote(urlsplit(url).path)).resolve()
    else:
        raise RefusedURL(url)
    if not path.is_file() or not any(path.is_relative_to(root) for root in static_roots()):
        raise RefusedURL(url)
    return path


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyURLFetcher(URLFetcher):
        """Serves ``static:`` and ``file:`` URLs inside the static folders; refuses the rest
        (http, https, data, ftp, files elsewhere), so a report never reaches the network."""

        def fetch(self, url, headers=None):
            path = resolve_static(url)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                path.as_uri(), path.read_bytes(), {"Content-Type": content_type}
            )

    return StaticOnlyURLFetcher


@dataclass(frozen=True)
class PdfAttachment:
    """A file carried inside the PDF (a PDF reader lists it under its attachments)."""

    name: str
    description: str
    data: bytes


def html_to_pdf(html: str, attachments: Sequence[PdfAttachment] = ()) -> bytes:
    """The PDF for ``html`` with ``attachments``; relative links resolve against the static
    files."""
    import weasyprint

    fetcher = _fetcher_class()(fail_on_errors=False)
    document = weasyprint.HTML(string=html, base_url=STATIC_SCHEME, url_fetcher=fetcher)
    return document.write_pdf(
        attachments=[
            weasyprint.Attachment(
                file_obj=io.BytesIO(attachment.data),
                name=attachment.name,
                description=attachment.description,
                url_fetcher=fetcher,
            )
            for attachment in attachments
        ]
    )
