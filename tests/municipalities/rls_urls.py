"""Test-only pages (``pytest.mark.urls``) that count rows with raw SQL inside a request, so a
test sees what the database itself lets through in that request's scope."""

from django.apps import apps
from django.db import connection
from django.http import JsonResponse, StreamingHttpResponse
from django.urls import path

from municipalities.db_scope import PROTECTED_TABLES, municipalities_scope
from municipalities.middleware import rescope_request


def database_counts() -> dict[str, int]:
    counts = {}
    with connection.cursor() as cursor:
        for label in PROTECTED_TABLES:
            table = apps.get_model(label)._meta.db_table
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - model tables
            counts[label] = cursor.fetchone()[0]
    return counts


def counts_view(request):
    return JsonResponse(database_counts())


def rescoped_view(request):
    # As the API's token authentication would: the caller is known only inside the view.
    rescope_request(request, municipalities_scope([int(request.GET["municipality"])]))
    return JsonResponse(database_counts())


def failing_view(request):
    database_counts()
    raise RuntimeError("this page fails on purpose")


def streaming_view(request):
    def lines():
        for label, count in database_counts().items():
            yield f"{label} {count}\n"

    return StreamingHttpResponse(lines(), content_type="text/plain")


urlpatterns = [
    path("counts/", counts_view),
    path("fails/", failing_view),
    path("rescoped/", rescoped_view),
    path("stream/", streaming_view),
]
