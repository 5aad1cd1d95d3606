"""The project's URLs plus ``/bare/``: the floor a dashboard request is compared with."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    # Through the same middleware; reads the signed-in user as every pilot page does.
    return HttpResponse("ok" if request.user.is_authenticated else "anonymous")


urlpatterns = [path("bare/", bare), path("", include("pilot.urls"))]
