"""Technique and self-check wording as data: loaded once, then owned by staff."""

import pytest
from django.core.management import call_command
from django.test import Client

from guidance.content import TECHNIQUE_CONTENT, TEXT_CONTENT
from guidance.models import GuidanceText, Technique
from guidance.routines import TECHNIQUE_SLUGS, TECHNIQUES


@pytest.fixture
def staff_client(django_user_model):
    staff = django_user_model.objects.create_user(
        username="staff", email="staff@example.com", password="pw", is_staff=True
    )
    client = Client()
    client.force_login(staff)
    return client


def test_setup_command_loads_everything_and_is_idempotent(db):
    call_command("guidance_setup")
    assert list(Technique.objects.values_list("slug", flat=True)) == list(TECHNIQUE_SLUGS)
    assert GuidanceText.objects.count() == len(TEXT_CONTENT)
    Technique.objects.filter(slug="twists").update(title="Warm-up twists")
    GuidanceText.objects.filter(key="step-safety").update(body="Edited by staff")
    call_command("guidance_setup")
    assert Technique.objects.count() == 6
    assert Technique.objects.get(slug="twists").title == "Warm-up twists"
    assert GuidanceText.objects.get(key="step-safety").body == "Edited by staff"


def test_content_matches_the_routine_and_makes_no_drug_claims():
    assert [(t["slug"], t["title"]) for t in TECHNIQUE_CONTENT] == list(TECHNIQUES)
    words = " ".join(
        " ".join(str(v) for v in item.values()) for item in TECHNIQUE_CONTENT + TEXT_CONTENT
    ).lower()
    for claim in ("eraser", "cure", "heals", "pain relief", "relieves pain"):
        assert claim not in words


def test_self_check_renders_without_loaded_texts(client, db):
    response = client.get("/guidance/self-check/safety/")
    assert response.status_code == 200
    assert b"Step 1 of 4" in response.content


def test_staff_edit_a_technique_in_the_dashboard(staff_client, guidance_content):
    page = staff_client.get("/dashboard/guidance/content/").content.decode()
    assert 'href="/dashboard/guidance/techniques/arch-rubs/"' in page
    assert 'href="/dashboard/guidance/texts/pattern-same_side/"' in page
    technique = Technique.objects.get(slug="arch-rubs")
    response = staff_client.post(
        "/dashboard/guidance/techniques/arch-rubs/",
        {
            "title": "Arch rubs",
            "purpose": "New purpose.",
            "steps": "One.\nTwo.",
            "tips": "",
            "order": technique.order,
        },
    )
    assert response.status_code == 302
    technique.refresh_from_db()
    assert (technique.purpose, technique.step_list) == ("New purpose.", ["One.", "Two."])
    assert b"New purpose." in staff_client.get("/guidance/techniques/arch-rubs/").content


def test_staff_edit_a_result_text_in_the_dashboard(staff_client, guidance_content):
    response = staff_client.post(
        "/dashboard/guidance/texts/step-heel/",
        {"title": "Heel raise", "body": "Stand tall.\n\nRaise a heel."},
    )
    assert response.status_code == 302
    assert GuidanceText.objects.get(key="step-heel").paragraphs == ["Stand tall.", "Raise a heel."]


def test_content_pages_are_staff_only(client, guidance_content):
    for url in ("/dashboard/guidance/content/", "/dashboard/guidance/techniques/twists/"):
        assert client.get(url).status_code == 302
    client.post("/dashboard/guidance/techniques/twists/", {"title": "Hacked"})
    assert Technique.objects.get(slug="twists").title == "Twists"


def test_home_page_hook_and_calls_to_action(client, store):
    response = client.get("/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "Is your foot feeding your back pain?" in page
    assert 'href="/guidance/self-check/">Take the 2-minute self-check</a>' in page
    assert 'href="/guidance/cream/?from=home"' in page
    assert "GETINFUSED" in page
    assert "eraser" not in page.lower()
