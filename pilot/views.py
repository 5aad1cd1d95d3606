from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from municipalities.access import access_for
from placements.selectors import jobcoach_todo


@require_GET
@never_cache
def health(request):
    """For load balancers and compose health checks: the app runs and reaches its database."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request):
    """The start page: a jobcoach's to-do list for their municipalities, and for every other
    role a short start with the pages it may open."""
    access = access_for(request.user)
    today = timezone.localdate()
    todo = jobcoach_todo(user=request.user, today=today) if access.is_jobcoach else None
    return render(request, "home.html", {"access": access, "todo": todo, "today": today})
