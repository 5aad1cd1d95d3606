"""Settings for the dashboard benchmark's server: the dev settings plus one bare view."""

from pilot.settings.dev import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
