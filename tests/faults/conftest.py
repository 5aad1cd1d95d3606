import pytest

from .helpers import PrivateRedis


@pytest.fixture
def private_redis():
    redis = PrivateRedis()
    redis.start()
    yield redis
    redis.stop()


@pytest.fixture
def app_on_private_redis(private_redis, settings):
    """Point this process's cache and Celery broker at the private Redis, so that the test
    can stop it under the running application."""
    from pilot.celery import app

    settings.CACHES = {
        "default": {
            "BACKEND": "kernel.cache.FallbackRedisCache",
            "LOCATION": f"{private_redis.url}/1",
            "KEY_PREFIX": "fault",
        }
    }
    # Read before the settings change: app.conf reads Django's settings.
    original = app.conf.broker_url
    broker = f"{private_redis.url}/0"
    settings.CELERY_BROKER_URL = broker
    app.conf.broker_url = broker
    _drop_broker_connections(app)
    yield private_redis
    app.conf.broker_url = original
    _drop_broker_connections(app)


def _drop_broker_connections(app) -> None:
    """Forget the app's broker pool and producer pool, so that the next task is sent to the
    broker now configured (what Celery does itself after a fork). The pools are not closed:
    kombu keeps them per broker URL and hands the same ones out again when the URL comes
    back; app.close() would also deregister the app."""
    app._pool = None
    app.amqp._producer_pool = None
