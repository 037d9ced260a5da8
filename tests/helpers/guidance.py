"""Taking the self-check through its HTML forms, and a fixed set of answers, for tests anywhere."""

from guidance.routines import CheckAnswers, PainArea, Rating

WIZARD = "self_check_wizard"  # formtools' prefix: the wizard class name, snake-cased
NO_FLAGS = {
    "diabetes_or_numbness": "no",
    "recent_injury": "no",
    "back_warning_signs": "no",
    "severe_or_worsening": "no",
}


def step_url(step: str) -> str:
    return f"/guidance/self-check/{step}/"


def post_step(client, step: str, data: dict, *, follow: bool = False):
    """POST one wizard step the way the browser form does (JavaScript off)."""
    payload = {f"{WIZARD}-current_step": step}
    for name, value in data.items():
        payload[f"{step}-{name}"] = value
    return client.post(step_url(step), payload, follow=follow)


def take_self_check(
    client,
    *,
    arch=("strong", "none"),
    heel=("mild", "none"),
    areas=("low_back",),
    duration="over_3_months",
):
    """Walk the whole self-check through the HTML forms; returns the final response."""
    client.get("/guidance/self-check/", follow=True)
    post_step(client, "safety", NO_FLAGS, follow=True)
    post_step(client, "pain", {"areas": list(areas), "duration": duration}, follow=True)
    post_step(client, "arch", {"left": arch[0], "right": arch[1]}, follow=True)
    return post_step(client, "heel", {"left": heel[0], "right": heel[1]}, follow=True)


# Left foot tighter in both checks, low back and foot pain.
ANSWERS = CheckAnswers(
    arch_left=Rating.STRONG,
    arch_right=Rating.MILD,
    heel_left=Rating.MODERATE,
    heel_right=Rating.NONE,
    pain_areas=frozenset({PainArea.LOW_BACK, PainArea.FOOT}),
)
