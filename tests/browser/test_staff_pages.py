"""The staff side under its Content-Security-Policy: the dashboard's own scripts (jQuery from our
static files, Oscar's inline init calls, TinyMCE, select2) run without a violation, the staff
login runs none, and a locked-out login shows its message."""

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a long staff password 7"


@pytest.fixture
def staff(store):
    return get_user_model().objects.create_superuser("boss", "boss@example.com", PASSWORD)


def _log_in(page, password=PASSWORD):
    page.goto("/dashboard/login/")
    page.fill("input[name=username]", "boss@example.com")
    page.fill("input[name=password]", password)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_load_state()


def test_the_dashboard_runs_its_scripts_under_its_policy(page, staff):
    _log_in(page)
    page.wait_for_url("**/dashboard/")
    for path in ("/dashboard/", "/dashboard/orders/", "/dashboard/catalogue/products/create/"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("typeof window.jQuery") == "function"
    # csp_violations (tests/browser/conftest.py) fails the test on any violation


def test_a_locked_out_staff_login_says_so(page, staff):
    for _ in range(5):
        _log_in(page, "not the password")
    assert "Too many failed sign-ins" in page.locator("main").inner_text()
    _log_in(page)
    assert "/dashboard/login/" in page.url
