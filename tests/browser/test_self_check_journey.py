"""The guidance half of the shop front in a real browser: the self-check with JavaScript off
(journey 3 of issue 6) on a phone and a desktop, the hold timer as an enhancement, axe-core."""

import re

import pytest

from guidance.forms import RED_FLAGS
from guidance.models import Result
from guidance.services import guidance_content_setup

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def guidance(store):
    guidance_content_setup()
    return store


def _choose(page, question: str, answer: str) -> None:
    page.get_by_role("group", name=question).get_by_label(answer, exact=True).check()


def _progress(page) -> str:
    return " ".join(page.locator(".step-progress").inner_text().split())


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_self_check_without_javascript(new_page, live_server, screenshot, guidance, viewport):
    page = new_page(viewport=viewport, javascript=False)
    requested = []
    page.on("request", lambda request: requested.append(request.url))

    page.goto("/")
    screenshot(page, "home")
    page.get_by_role("link", name="Take the 2-minute self-check").click()
    page.wait_for_url("**/guidance/self-check/safety/")
    assert _progress(page) == "Step 1 of 4"
    assert page.get_by_role("heading", level=1).inner_text() == "First, a quick safety check"
    for question in RED_FLAGS.values():
        _choose(page, question, "No")
    screenshot(page, "safety")
    page.get_by_role("button", name="Next").click()

    page.wait_for_url("**/guidance/self-check/pain/")
    assert _progress(page) == "Step 2 of 4"
    page.get_by_label("Knee", exact=True).check()
    _choose(page, "For how long?", "Two weeks to three months")
    screenshot(page, "pain")
    page.get_by_role("button", name="Next").click()

    page.wait_for_url("**/guidance/self-check/arch/")
    assert _progress(page) == "Step 3 of 4"
    assert page.get_by_role("img", name=re.compile("Both thumbs pressing")).is_visible()
    # Back keeps the answers; Enter in the form means Next (the forward button comes first).
    page.get_by_role("button", name="Back").click()
    page.wait_for_url("**/guidance/self-check/pain/")
    assert page.get_by_label("Knee", exact=True).is_checked()
    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/guidance/self-check/arch/")
    _choose(page, "Left foot: how tight was the arch?", "None")
    _choose(page, "Right foot: how tight was the arch?", "Moderate")
    screenshot(page, "arch")
    page.get_by_label("Moderate").nth(1).press("Enter")

    page.wait_for_url("**/guidance/self-check/heel/")
    assert _progress(page) == "Step 4 of 4"
    assert page.get_by_role("img", name=re.compile("right heel raised")).is_visible()
    # A missing answer: the browser itself holds the form back (the radios are required).
    _choose(page, "Left side of the low back: how tight?", "None")
    page.get_by_role("button", name="See my result").click()
    assert page.url.endswith("/guidance/self-check/heel/")
    assert page.locator('input[name="heel-right"]:invalid').count() == 5
    screenshot(page, "heel")
    _choose(page, "Right side of the low back: how tight?", "Strong")
    page.get_by_role("button", name="See my result").click()

    result = Result.objects.get()
    page.wait_for_url(f"**/guidance/results/{result.token}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Your self-check result"
    assert page.get_by_role("heading", name="Your routine: right foot first").is_visible()
    assert page.locator(".routine-step h3 a").all_inner_texts() == [
        "Twists",
        "Arch rubs",
        "Toe bends",
        "Foot spreading",
        "Heel squeezes",
        "Achilles massage",
    ]
    assert page.get_by_label("Your email").is_visible()
    assert not page.get_by_role("checkbox").is_checked()
    screenshot(page, "result")

    page.get_by_role("link", name="Arch rubs").click()
    page.wait_for_url("**/guidance/techniques/arch-rubs/")
    assert page.get_by_role("link", name="Back to your routine").is_visible()
    assert page.get_by_role("button", name="Start the hold timer").count() == 0  # JS is off
    assert "press and hold for 2 to 3 minutes" in page.locator(".hold").inner_text()
    screenshot(page, "technique")

    assert [url for url in requested if not url.startswith(live_server.url)] == []
    assert not any("jquery" in url.lower() for url in requested)


def test_red_flag_ends_the_self_check_without_a_pitch(page, screenshot, guidance):
    page.goto("/guidance/self-check/")
    questions = list(RED_FLAGS.values())
    for question in questions:
        _choose(page, question, "No")
    _choose(page, questions[1], "Yes")
    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/guidance/see-a-clinician/")
    assert page.get_by_role("heading", level=1).inner_text() == "Please see a clinician first"
    assert "GETINFUSED" not in page.content()
    assert page.locator("#red-flags li").count() == len(RED_FLAGS)
    screenshot(page, "see-a-clinician")

    # The footer's red-flags link lands on the list.
    page.get_by_role("link", name="Check the red flags").click()
    page.wait_for_url("**/guidance/red-flags/#red-flags")
    assert page.locator("#red-flags").is_visible()
    assert Result.objects.count() == 0


def test_hold_timer_enhances_the_technique_page(page, guidance):
    page.clock.install()
    page.goto("/guidance/techniques/twists/")
    timer = page.get_by_role("timer")
    assert timer.inner_text() == "2:00"  # the post's 2 to 3 minutes on a sore spot
    page.get_by_role("button", name="Start the hold timer").click()
    assert page.get_by_role("button", name="Stop").is_visible()
    page.clock.run_for(3_000)
    assert timer.inner_text() == "1:57"
    page.clock.run_for(117_000)
    assert timer.inner_text() == "Done: release slowly"
    assert page.get_by_role("button", name="Start again").is_visible()
    # One tiny script, ours, and nothing else.
    assert [s.get_attribute("src") for s in page.locator("script").all()] == [
        "/static/guidance/hold-timer.js"
    ]


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
def test_guidance_pages_have_no_axe_violations(new_page, axe_violations, guidance, viewport):
    page = new_page(viewport=viewport)
    found = {}
    page.goto("/")
    found["home"] = axe_violations(page)
    page.goto("/guidance/self-check/")
    found["safety"] = axe_violations(page)
    for question in RED_FLAGS.values():
        _choose(page, question, "No")
    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/pain/")
    found["pain"] = axe_violations(page)
    # Nothing chosen, past the browser's own check: the server's errors.
    page.evaluate("document.querySelector('form.step-form').noValidate = true")
    page.get_by_role("button", name="Next").click()
    page.wait_for_load_state()
    assert page.locator(".question.has-error").count() == 1
    found["pain with errors"] = axe_violations(page)
    page.get_by_label("Low back", exact=True).check()
    _choose(page, "For how long?", "Less than two weeks")
    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/arch/")
    found["arch"] = axe_violations(page)
    _choose(page, "Left foot: how tight was the arch?", "Strong")
    _choose(page, "Right foot: how tight was the arch?", "Not sure")
    page.get_by_role("button", name="Next").click()
    page.wait_for_url("**/heel/")
    found["heel"] = axe_violations(page)
    _choose(page, "Left side of the low back: how tight?", "Mild")
    _choose(page, "Right side of the low back: how tight?", "None")
    page.get_by_role("button", name="See my result").click()
    page.wait_for_url("**/guidance/results/**")
    found["result"] = axe_violations(page)
    page.get_by_label("Your email").fill("ann@example.com")
    page.get_by_role("button", name="Email me my routine").click()
    page.wait_for_load_state()
    found["result with message"] = axe_violations(page)
    for name, path in [
        ("red flags", "/guidance/red-flags/"),
        ("see a clinician", "/guidance/see-a-clinician/"),
        ("techniques", "/guidance/techniques/"),
        ("technique", "/guidance/techniques/arch-rubs/"),
    ]:
        page.goto(path)
        found[name] = axe_violations(page)
    assert found == {name: [] for name in found}
