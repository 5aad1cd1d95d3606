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
            "BACKEND": "pilot.cache.FallbackRedisCache",
            "LOCATION": f"{private_redis.url}/1",
            "KEY_PREFIX": "fault",
        }
    }
    broker = f"{private_redis.url}/0"
    settings.CELERY_BROKER_URL = broker
    original = app.conf.broker_url
    app.conf.broker_url = broker
    app.close()  # drop the pooled connections to the usual broker
    yield private_redis
    app.conf.broker_url = original
    app.close()
