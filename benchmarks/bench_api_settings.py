"""Settings for the API benchmark's server: the dashboard benchmark's, with the per-person rate
limit raised (the benchmark asks hundreds of times a minute as one person; the throttle's
cache lookups still run on every request)."""

from bench_settings import *  # noqa: F403

REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_RATES": {"anon": "60/minute", "user": "100000/minute"},
}
