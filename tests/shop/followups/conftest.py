"""Fixtures for follow-up emails: a self-check result and its routine request. The SMTP sink
and the Celery processes are in tests/helpers/mail_and_celery.py (exposed by tests/conftest.py)."""

import pytest

from guidance.services import result_create, routine_request_create
from tests.helpers.guidance import ANSWERS


@pytest.fixture
def result(guidance_content):
    """A real self-check result: left foot tighter in both checks, low back and foot pain."""
    return result_create(answers=ANSWERS, visitor_key="visitor-1")


@pytest.fixture
def request_routine(result, django_capture_on_commit_callbacks):
    """Ask for the routine as the result page does; the routine_requested signal runs."""

    def request_routine(email="ana@example.com", wants_followups=False, on=None):
        with django_capture_on_commit_callbacks(execute=True):
            return routine_request_create(
                result=on or result, email=email, wants_followups=wants_followups
            )

    return request_routine
