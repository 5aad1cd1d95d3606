"""The demo (SQLite) has no row-level security: every page says so; PostgreSQL pages do not."""

from django.contrib.auth.models import AnonymousUser
from django.template import Context, RequestContext, Template

from portal.navigation import navigation

NOTICE = "Demo without the database's own wall."


def test_the_demo_notice_shows_only_without_row_level_security(rf, db):
    request = rf.get("/")
    request.user = AnonymousUser()
    page = Template("{% extends 'base.html' %}")
    # This database is PostgreSQL: the wall is there and the notice is not.
    assert navigation(request)["without_second_wall"] is False
    assert NOTICE not in page.render(RequestContext(request))
    # What the context processor says on SQLite (the demo):
    html = page.render(
        Context({"request": request, "user": request.user, "without_second_wall": True})
    )
    assert NOTICE in html
    assert "Never put real people's data in this demo." in html
