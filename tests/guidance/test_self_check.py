"""The self-check through the HTML forms only, as a browser with JavaScript off uses it."""

import re

import pytest
from django.core import signing
from django.test import Client

from guidance.forms import ArchForm
from guidance.models import FunnelEvent, Result
from guidance.routines import Rating
from tests.helpers.guidance import NO_FLAGS, WIZARD, post_step, step_url, take_self_check

pytestmark = pytest.mark.usefixtures("guidance_content")

VALID = {
    "safety": NO_FLAGS,
    "pain": {"areas": ["knee"], "duration": "up_to_3_months"},
    "arch": {"left": "none", "right": "moderate"},
    "heel": {"left": "none", "right": "strong"},
}


def checked(page: str, name: str) -> list[str]:
    """The values of the ticked inputs called `name` in an HTML page."""
    inputs = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
    return [re.search(r'value="([^"]*)"', tag).group(1) for tag in inputs if " checked" in tag]


def test_start_redirects_to_the_first_step(client):
    response = client.get("/guidance/self-check/")
    assert response.status_code == 302
    assert response["Location"] == step_url("safety")


def test_each_step_shows_progress_and_instructions(client):
    response = client.get(step_url("safety"))
    assert response.status_code == 200
    assert b"Step 1 of 4" in response.content
    assert b"First, a quick safety check" in response.content
    for step, number, marker in (
        ("pain", 2, b"Where do you feel it"),
        ("arch", 3, b"Press deeply into the middle of the"),
        ("heel", 4, b"Raise your right heel"),
    ):
        previous = list(VALID)[number - 2]
        assert post_step(client, previous, VALID[previous])["Location"] == step_url(step)
        response = client.get(step_url(step))
        assert response.status_code == 200
        assert f"Step {number} of 4".encode() in response.content
        assert marker in response.content
        if step in ("arch", "heel"):
            assert b"<svg" in response.content


def test_js_off_completion_stores_the_result_and_shows_the_routine(client, store):
    response = take_self_check(client, arch=("none", "moderate"), heel=("none", "strong"))
    result = Result.objects.get()
    assert response.redirect_chain[-1] == (f"/guidance/results/{result.token}/", 302)
    assert response.status_code == 200
    assert (result.arch_side, result.heel_side, result.pattern) == ("right", "right", "same_side")
    assert (result.pain_low_back, result.pain_knee, result.pain_foot) == (True, False, False)
    assert result.get_routine().first_foot == "right"
    assert b"Your routine: right foot first" in response.content
    assert b"In the foot-arch check you noticed more tension on the right." in response.content
    assert b"/guidance/techniques/arch-rubs/" in response.content
    # The wizard forgets the answers once the result is stored.
    assert client.get("/guidance/self-check/")["Location"] == step_url("safety")


def test_the_answers_so_far_stay_in_the_browser_until_the_result(client, store):
    client.get(step_url("safety"))
    post_step(client, "safety", NO_FLAGS)
    post_step(client, "pain", VALID["pain"])
    cookie = client.cookies[f"wizard_{WIZARD}"]
    assert cookie["path"] == "/guidance/self-check/"  # sent to the self-check's pages only
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    data = signing.loads(cookie.value, salt="guidance.self-check")
    assert data["step"] == "arch"
    assert data["step_data"]["pain"] == {  # the answers only
        "pain-areas": ["knee"],
        "pain-duration": ["up_to_3_months"],
    }
    assert "sessionid" not in client.cookies  # nothing about the person on the server yet

    post_step(client, "arch", VALID["arch"])
    response = post_step(client, "heel", VALID["heel"], follow=True)
    assert response.status_code == 200
    result = Result.objects.get()
    assert client.cookies[f"wizard_{WIZARD}"].value == ""  # deleted with the stored result
    session = client.session
    assert session["guidance_result_token"] == result.token
    # The run's funnel events and the result share the visitor's key (erasure finds both).
    assert session["guidance_visitor"] == result.visitor_key
    assert set(FunnelEvent.objects.values_list("visitor_key", flat=True)) == {result.visitor_key}


def test_a_shared_step_page_still_shows_a_visitors_own_message(client):
    other = Client()
    other.get(step_url("safety"))
    post_step(other, "safety", NO_FLAGS)
    other.get(step_url("pain"))  # in the page cache from here on

    client.get(step_url("safety"))
    post_step(client, "safety", NO_FLAGS)
    response = client.get(step_url("arch"), follow=True)  # ahead of the answers, by URL
    assert response.redirect_chain == [(step_url("pain"), 302)]
    assert b"Please answer this step first." in response.content
    assert b"Please answer this step first." not in other.get(step_url("pain")).content


def test_a_forged_answers_cookie_starts_the_self_check_over(client):
    client.get(step_url("safety"))
    post_step(client, "safety", NO_FLAGS)
    data = signing.loads(client.cookies[f"wizard_{WIZARD}"].value, salt="guidance.self-check")
    data["step"] = "heel"  # signed with another key: not ours
    client.cookies[f"wizard_{WIZARD}"] = signing.dumps(
        data, key="x" * 50, salt="guidance.self-check"
    )
    response = client.get(step_url("heel"))
    assert response.status_code == 302
    assert response["Location"] == step_url("safety")


def test_back_keeps_the_answers(client):
    client.get(step_url("safety"))
    post_step(client, "safety", NO_FLAGS)
    post_step(client, "pain", VALID["pain"])
    response = client.post(
        step_url("arch"), {f"{WIZARD}-current_step": "arch", "wizard_goto_step": "pain"}
    )
    assert response["Location"] == step_url("pain")
    page = client.get(step_url("pain")).content.decode()
    assert checked(page, "pain-areas") == ["knee"]
    assert checked(page, "pain-duration") == ["up_to_3_months"]


def test_a_shared_step_page_never_shows_another_visitors_answers(client):
    other = Client()  # on the same step, unanswered: the page cache holds it from here on
    other.get(step_url("safety"))
    post_step(other, "safety", NO_FLAGS)
    assert checked(other.get(step_url("pain")).content.decode(), "pain-areas") == []

    client.get(step_url("safety"))
    post_step(client, "safety", NO_FLAGS)
    assert checked(client.get(step_url("pain")).content.decode(), "pain-areas") == []
    post_step(client, "pain", VALID["pain"])
    client.post(step_url("arch"), {f"{WIZARD}-current_step": "arch", "wizard_goto_step": "pain"})
    assert checked(client.get(step_url("pain")).content.decode(), "pain-areas") == ["knee"]
    assert checked(other.get(step_url("pain")).content.decode(), "pain-areas") == []


@pytest.mark.parametrize(
    "step,data,message",
    [
        ("safety", {}, "This field is required."),
        ("safety", {**NO_FLAGS, "recent_injury": "maybe"}, "Select a valid choice."),
        ("pain", {"duration": "forever"}, "Select a valid choice."),
        ("pain", {"areas": ["elbow"], "duration": "up_to_3_months"}, "Select a valid choice."),
        ("pain", {"duration": "up_to_3_months"}, "Tick where it bothers you"),
        ("arch", {"left": "mild"}, "This field is required."),
        ("arch", {"left": "11", "right": "mild"}, "Select a valid choice."),
        ("heel", {"left": "", "right": "strong"}, "This field is required."),
        ("heel", {"left": "extreme", "right": "strong"}, "Select a valid choice."),
    ],
)
def test_missing_or_out_of_range_input_gets_the_form_back(client, step, data, message):
    for earlier in list(VALID)[: list(VALID).index(step)]:
        post_step(client, earlier, VALID[earlier])
    client.get(step_url(step))
    response = post_step(client, step, data)
    assert response.status_code == 200
    assert f"Step {list(VALID).index(step) + 1} of 4".encode() in response.content
    assert message in response.content.decode().replace("&#x27;", "'")
    assert Result.objects.count() == 0


def test_missing_management_form_gets_the_form_back(client):
    client.get(step_url("safety"))
    response = client.post(step_url("safety"), {"safety-recent_injury": "no"})
    assert response.status_code == 200
    assert b"Something went wrong with that form" in response.content
    assert b"Step 1 of 4" in response.content


def test_forged_step_name_gets_the_form_back(client):
    client.get(step_url("safety"))
    response = client.post(step_url("safety"), {f"{WIZARD}-current_step": "admin"})
    assert response.status_code == 200
    assert b"Something went wrong with that form" in response.content


def test_jumping_ahead_by_url_goes_back_to_the_safety_screen(client):
    response = client.get(step_url("heel"), follow=True)
    assert response.redirect_chain == [(step_url("safety"), 302)]
    assert b"Please answer this step first." in response.content


def test_unknown_step_redirects_to_the_first(client):
    assert client.get(step_url("nonsense"))["Location"] == step_url("safety")


def test_forged_post_of_a_later_step_on_the_safety_screen_gets_the_form_back(client):
    client.get(step_url("safety"))
    response = post_step(client, "heel", VALID["heel"])
    assert response.status_code == 200
    assert b"Step 1 of 4" in response.content
    assert b"This field is required." in response.content
    assert Result.objects.count() == 0


def test_forged_post_skipping_steps_is_caught_before_a_result_is_stored(client):
    """Answers posted for the last step while earlier ones are missing are checked at the end."""
    client.get(step_url("safety"))
    post_step(client, "safety", NO_FLAGS)
    response = post_step(client, "heel", VALID["heel"], follow=True)
    assert response.redirect_chain[-1] == (step_url("pain"), 302)
    assert b"Please answer this step first." in response.content
    assert Result.objects.count() == 0


def test_done_without_answers_goes_back_to_the_start(client):
    response = client.get(step_url("done"), follow=True)
    assert response.redirect_chain[-1] == (step_url("safety"), 302)
    assert Result.objects.count() == 0


@pytest.mark.parametrize("flag", list(NO_FLAGS))
def test_any_red_flag_ends_the_funnel_without_a_pitch(client, store, flag):
    client.get(step_url("safety"))
    response = post_step(client, "safety", {**NO_FLAGS, flag: "yes"}, follow=True)
    assert response.redirect_chain == [("/guidance/see-a-clinician/", 302)]
    page = response.content.decode()
    assert "Please see a clinician first" in page
    assert "GETINFUSED" not in page
    assert "/guidance/cream/" not in page
    assert "Email me my routine" not in page
    assert 'type="email"' not in page
    assert Result.objects.count() == 0
    assert FunnelEvent.objects.filter(kind="red_flag").count() == 1
    # The answers are gone, from the browser too: the wizard starts over.
    assert client.cookies[f"wizard_{WIZARD}"].value == ""
    assert "sessionid" not in client.cookies
    assert client.get("/guidance/self-check/")["Location"] == step_url("safety")
    assert client.get(step_url("pain"))["Location"] == step_url("safety")


def test_red_flags_page_lists_the_signs(client):
    response = client.get("/guidance/red-flags/")
    assert response.status_code == 200
    assert b"When to see a clinician first" in response.content
    assert b"numbness or tingling in your feet" in response.content
    assert b"GETINFUSED" not in response.content
    page = response.content.decode().replace("&#x27;", "'")
    # conditions, not the safety step's yes/no questions
    assert "You have diabetes, or numbness or tingling in your feet." in page
    assert "The pain is severe or getting worse" in page
    assert "?</li>" not in page


@pytest.mark.parametrize("areas", [["foot"], ["low_back", "knee", "foot"], []])
def test_no_pain_right_now_is_valid_with_any_area(client, areas):
    post_step(client, "safety", VALID["safety"])
    client.get(step_url("pain"))
    response = post_step(client, "pain", {"areas": areas, "duration": "no_pain"})
    assert response.status_code == 302
    assert response["Location"] == step_url("arch")


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/guidance/self-check/safety/",
        "/guidance/red-flags/",
        "/guidance/see-a-clinician/",
        "/guidance/techniques/",
        "/guidance/techniques/twists/",
    ],
)
def test_every_guidance_page_has_the_notice(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert b"<strong>Not medical advice.</strong>" in response.content
    assert b'href="/guidance/red-flags/#red-flags"' in response.content
    # No framework JavaScript, nothing from another host, one stylesheet.
    assert b"jquery" not in response.content.lower()
    # (the canonical link names the page itself by its public address; nothing is fetched)
    content = re.sub(rb'<link rel="canonical" href="[^"]*">', b"", response.content)
    assert re.findall(rb'(?:src|href)="(?:https?:)?//', content) == []
    assert re.findall(rb'<link rel="stylesheet" href="([^"]+)"', response.content) == [
        b"/static/releaf/css/releaf.css"
    ]


def test_a_forms_choices_are_its_own_to_change():
    # The step forms share their fields' choices between copies (guidance.forms): still, a
    # form that is given other choices changes for itself alone.
    ratings = [rating.value for rating in Rating]
    changed, other = ArchForm(), ArchForm()
    changed.fields["left"].choices = [("none", "None")]
    assert [value for value, _ in changed.fields["left"].widget.choices] == ["none"]
    assert [value for value, _ in other.fields["left"].choices] == ratings
    assert [value for value, _ in ArchForm().fields["left"].widget.choices] == ratings
    assert 'value="strong"' in str(ArchForm()["left"])
