from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from municipalities.access import access_for


@require_GET
@never_cache
def health(request):
    """For load balancers and compose health checks: the app runs and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request):
    """The start page: what each of the user's roles can open."""
    access = access_for(request.user)
    return render(request, "home.html", {"access": access})
