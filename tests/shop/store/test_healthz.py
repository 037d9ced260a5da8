import json

from django.test import override_settings

from config.celery_app import app as celery_app


def test_healthz_is_ok_when_everything_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}


@override_settings(
    CACHES={
        "default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
)
def test_healthz_names_a_cache_that_does_not_answer(client, db):
    response = client.get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["status"] == "unavailable"
    assert list(body["failing"]) == ["cache"]


def test_healthz_names_a_broker_that_does_not_answer(client, db):
    conf = celery_app.conf
    configured = conf.broker_write_url, conf.broker_transport_options
    conf.broker_write_url, conf.broker_transport_options = "redis://127.0.0.1:1/0", {}
    try:
        response = client.get("/healthz")
    finally:
        conf.broker_write_url, conf.broker_transport_options = configured
    assert response.status_code == 503
    assert list(json.loads(response.content)["failing"]) == ["broker"]
