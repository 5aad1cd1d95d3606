from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from coaching.selectors import imk_coach_todo
from municipalities.access import access_for
from municipalities.enums import Role
from municipalities.processing_log import record_read
from placements.selectors import jobcoach_todo

from .health import health_checks


@require_GET
@never_cache
def health(request):
    """Readiness, for monitoring: PostgreSQL, Redis and a recently seen worker, each with its
    verdict; 503 when any of them is wrong, since the application cannot do all its work."""
    result = health_checks()
    body = {"status": "ok" if result["ok"] else "unavailable", "checks": result["checks"]}
    return JsonResponse(body, status=200 if result["ok"] else 503)


@require_GET
@never_cache
def liveness(request):
    """Liveness, for restarts and load balancers: this process answers (nothing else checked,
    so that a Redis or worker outage never makes the web processes restart in a loop)."""
    return HttpResponse("ok", content_type="text/plain")


@login_required
def home(request):
    """The start page: a jobcoach's to-do list for their municipalities, and for every other
    role a short start with the pages it may open."""
    access = access_for(request.user)
    if access.roles == {Role.PRIVACY_OFFICER}:
        # The privacy officer's work starts at the processing log (and is nothing else).
        return redirect("privacy:log")
    today = timezone.localdate()
    todo = jobcoach_todo(user=request.user, today=today) if access.is_jobcoach else None
    coach_todo = imk_coach_todo(user=request.user, today=today) if access.is_imk_coach else None
    response = render(
        request,
        "home.html",
        {"access": access, "todo": todo, "coach_todo": coach_todo, "today": today},
    )
    if coach_todo is not None:
        # The IMK coach's lists name interns (by given name): one read of those shown (each list
        # holds its most urgent few; the rest are only counted).
        record_read(
            [*coach_todo.evaluations_due, *coach_todo.starting_soon, *coach_todo.ending_soon]
        )
    if todo is not None:
        # The to-do lists name people: one read of those shown (the most urgent few of each
        # list; the rest are only counted).
        record_read(
            [
                *todo.ending_soon,
                *todo.reviews_due,
                *(check.jobseeker for check in todo.benefit_checks),
                *todo.proposals,
            ]
        )
    return response


def admin_login(request):
    """The admin's sign-in page sends people to allauth's, which has the rate limits and the
    second factor; ``next`` is kept when it points into this site."""
    target = request.GET.get("next") or reverse("admin:index")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = reverse("admin:index")
    return redirect(f"{reverse('account_login')}?{urlencode({'next': target})}")


def not_served(request, **kwargs):
    """An allauth page this pilot does not offer (people do not manage their own e-mail)."""
    raise Http404


def set_language(request):
    """The language switch: Django's own view (the cookie, back to the page), and for a
    signed-in person the choice stored on their account, so it holds on every device."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
    ):
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response
