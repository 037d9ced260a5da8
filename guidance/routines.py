"""The self-check's logic and the routine it produces: pure Python, no database.

`build_routine(answers)` turns the check answers into a `Routine`; `general_routine()` is the
routine for people who never took the check. The result page, the technique pages, the emails
and the tests all read this one structure (stored on the result with `to_dict()`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.db import models


class Rating(models.TextChoices):
    NONE = "none", "None"
    MILD = "mild", "Mild"
    MODERATE = "moderate", "Moderate"
    STRONG = "strong", "Strong"
    UNSURE = "unsure", "Not sure"


LEVEL = {Rating.NONE: 0, Rating.MILD: 1, Rating.MODERATE: 2, Rating.STRONG: 3}


class Side(models.TextChoices):
    LEFT = "left", "Left"
    RIGHT = "right", "Right"
    BOTH = "both", "Both sides"
    NEITHER = "neither", "Neither"
    UNSURE = "unsure", "Not sure"


ONE_SIDED = (Side.LEFT, Side.RIGHT)
TENSE = (Side.LEFT, Side.RIGHT, Side.BOTH)


class Pattern(models.TextChoices):
    SAME_SIDE = "same_side", "Same side"
    BOTH_SIDES = "both_sides", "Both sides"
    OPPOSITE_SIDES = "opposite_sides", "Opposite sides"
    ONE_CHECK_ONLY = "one_check_only", "One check only"
    NEITHER = "neither", "Neither"


class PainArea(models.TextChoices):
    LOW_BACK = "low_back", "Low back"
    KNEE = "knee", "Knee"
    FOOT = "foot", "Foot, heel or arch"


class PainDuration(models.TextChoices):
    UNDER_TWO_WEEKS = "under_2_weeks", "Less than two weeks"
    UP_TO_THREE_MONTHS = "up_to_3_months", "Two weeks to three months"
    OVER_THREE_MONTHS = "over_3_months", "Longer than three months, on and off"
    NO_PAIN = "no_pain", "No pain right now, I'm checking in"


class FirstFoot(models.TextChoices):
    LEFT = "left", "Left foot first"
    RIGHT = "right", "Right foot first"
    EITHER = "either", "Either foot first"


# The six techniques in the order the routine uses them, with the name we give each.
TECHNIQUES: tuple[tuple[str, str], ...] = (
    ("twists", "Twists"),
    ("arch-rubs", "Arch rubs"),
    ("toe-bends", "Toe bends"),
    ("foot-spreading", "Foot spreading"),
    ("heel-squeezes", "Heel squeezes"),
    ("achilles-massage", "Achilles massage"),
)
TECHNIQUE_SLUGS = tuple(slug for slug, _ in TECHNIQUES)
# The one source of the routine's times, read by the technique pages, the results and the
# emails. The post: "Press and hold ... in one spot for 2-3 minutes" on a sore part.
SORE_SPOT_HOLD_MINUTES = (2, 3)
SORE_SPOT_HOLD = f"{SORE_SPOT_HOLD_MINUTES[0]} to {SORE_SPOT_HOLD_MINUTES[1]} minutes"
HOLD_TIMER_SECONDS = SORE_SPOT_HOLD_MINUTES[0] * 60  # the timer counts the first two minutes
# Minutes per foot in the general routine (and on each technique page); a personal routine
# starts from these and adds time where the self-check found tension.
BASE_MINUTES = {
    "twists": 1,
    "arch-rubs": 2,
    "toe-bends": 1,
    "foot-spreading": 1,
    "heel-squeezes": 1,
    "achilles-massage": 1,
}

GENERAL_TIPS: tuple[str, ...] = (
    "Work one foot at a time.",
    f"When you find a sore spot, press and hold it for {SORE_SPOT_HOLD}. Stay as long as it takes "
    "for the spot to soften, with as much or as little pressure as feels comfortable.",
    "Spend longer on the areas that feel sore.",
    "Lean in with your body weight instead of pushing with your thumbs. The cream lets your hands "
    "glide so your thumbs don't have to strain; if they start to ache, ease off.",
)

KNEE_NOTE = (
    "Your knee sits between the foot and the low back and takes up much of the tension "
    "between them, a bit like a shock absorber. Easing the foot is a gentle way to take "
    "some of that load off."
)
FOOT_BACK_NOTE = (
    "Your foot and your low back felt tight on matching sides. The two often go together: a "
    "tight foot can feed low-back tension, and the other way round. Working the foot is an "
    "easy place to start."
)
LONG_STANDING_NOTE = (
    "Tension that has been there for months tends to ease over weeks, not in one session. "
    "Do the routine most days and take the self-check again in two weeks to compare."
)
GENERAL_NOTE = (
    "This is the general routine. The 2-minute self-check tells you which foot to start with "
    "and where to spend longer."
)


@dataclass(frozen=True)
class CheckAnswers:
    """What the person answered in the self-check, already validated."""

    arch_left: str
    arch_right: str
    heel_left: str
    heel_right: str
    pain_areas: frozenset[str] = field(default_factory=frozenset)
    pain_duration: str = PainDuration.NO_PAIN


@dataclass(frozen=True)
class Assessment:
    arch_side: str
    heel_side: str
    pattern: str


@dataclass(frozen=True)
class RoutineStep:
    technique: str  # the technique's slug: /guidance/techniques/<slug>/
    title: str
    minutes: int  # on the first foot; foot_note says what to do on the other one
    foot_note: str
    emphasis: str = ""

    def to_dict(self) -> dict:
        return {
            "technique": self.technique,
            "title": self.title,
            "minutes": self.minutes,
            "foot_note": self.foot_note,
            "emphasis": self.emphasis,
        }


@dataclass(frozen=True)
class Routine:
    kind: str  # "personal" (from a self-check) or "general"
    first_foot: str  # a FirstFoot value
    steps: tuple[RoutineStep, ...]
    tips: tuple[str, ...] = GENERAL_TIPS
    notes: tuple[str, ...] = ()
    version: int = 1

    @property
    def first_foot_label(self) -> str:
        return FirstFoot(self.first_foot).label

    @property
    def total_minutes(self) -> int:
        """Minutes for the first foot; the second takes about the same."""
        return sum(step.minutes for step in self.steps)

    def to_dict(self) -> dict:
        return {
            "version": self.version,
            "kind": self.kind,
            "first_foot": self.first_foot,
            "steps": [step.to_dict() for step in self.steps],
            "tips": list(self.tips),
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Routine:
        return cls(
            version=data.get("version", 1),
            kind=data["kind"],
            first_foot=data["first_foot"],
            steps=tuple(RoutineStep(**step) for step in data["steps"]),
            tips=tuple(data.get("tips", ())),
            notes=tuple(data.get("notes", ())),
        )


def tighter_side(left: str, right: str) -> str:
    """Which side the person rated tighter in one check."""
    if Rating.UNSURE in (left, right):
        return Side.UNSURE
    left_level, right_level = LEVEL[Rating(left)], LEVEL[Rating(right)]
    if left_level == right_level:
        return Side.NEITHER if left_level == 0 else Side.BOTH
    return Side.LEFT if left_level > right_level else Side.RIGHT


def pattern_of(arch_side: str, heel_side: str) -> str:
    """How the two checks line up. Tension on both sides in one check and on one side in the
    other still puts both checks on that one side, so it counts as the same side."""
    if arch_side in ONE_SIDED and heel_side in ONE_SIDED:
        return Pattern.SAME_SIDE if arch_side == heel_side else Pattern.OPPOSITE_SIDES
    if arch_side == Side.BOTH and heel_side == Side.BOTH:
        return Pattern.BOTH_SIDES
    if Side.BOTH in (arch_side, heel_side) and (arch_side in ONE_SIDED or heel_side in ONE_SIDED):
        return Pattern.SAME_SIDE
    if (arch_side in TENSE) != (heel_side in TENSE):
        return Pattern.ONE_CHECK_ONLY
    return Pattern.NEITHER


def assess(answers: CheckAnswers) -> Assessment:
    arch_side = tighter_side(answers.arch_left, answers.arch_right)
    heel_side = tighter_side(answers.heel_left, answers.heel_right)
    return Assessment(
        arch_side=arch_side, heel_side=heel_side, pattern=pattern_of(arch_side, heel_side)
    )


def first_foot_for(assessment: Assessment) -> str:
    """The foot check decides; the heel-raise check decides when the feet were even."""
    if assessment.arch_side in ONE_SIDED:
        return str(assessment.arch_side)
    if assessment.heel_side in ONE_SIDED:
        return str(assessment.heel_side)
    return FirstFoot.EITHER


def _max_level(*ratings: str) -> int:
    return max((LEVEL.get(Rating(r), 0) for r in ratings if r != Rating.UNSURE), default=0)


def _foot_note(first_foot: str, extra_side: str = "") -> str:
    """Which foot first, and which foot gets the extra time when one side was tighter."""
    if first_foot == FirstFoot.EITHER:
        if extra_side in ONE_SIDED:
            return f"One foot at a time; give the {extra_side} foot the extra time."
        return "One foot at a time, the same on both."
    other = "right" if first_foot == FirstFoot.LEFT else "left"
    if extra_side == first_foot:
        return f"{first_foot.capitalize()} foot first; a minute less is enough on the {other}."
    if extra_side == other:
        return f"{first_foot.capitalize()} foot first, then the {other}: give the {other} the extra time."
    return f"{first_foot.capitalize()} foot first, then the {other}."


def build_routine(answers: CheckAnswers) -> Routine:
    """The personal routine for these answers: the tighter foot first, longer where it was tight."""
    assessment = assess(answers)
    first_foot = first_foot_for(assessment)
    arch_level = _max_level(answers.arch_left, answers.arch_right)
    heel_level = _max_level(answers.heel_left, answers.heel_right)
    minutes = dict(BASE_MINUTES)
    emphasis: dict[str, str] = {}
    extra_side: dict[str, str] = {}  # the side a longer step is for, when only one side was tight

    if arch_level >= LEVEL[Rating.MODERATE]:
        minutes["arch-rubs"] = 3
        minutes["heel-squeezes"] = 2
        emphasis["arch-rubs"] = (
            f"Your arch felt tight: find the sorest spot and hold it for {SORE_SPOT_HOLD}."
        )
        emphasis["heel-squeezes"] = "The arch ends at the heel: give the heel a little longer too."
        extra_side["arch-rubs"] = extra_side["heel-squeezes"] = str(assessment.arch_side)
    elif arch_level == LEVEL[Rating.MILD]:
        emphasis["arch-rubs"] = "Stay on any spot that feels sore until it softens."
    if heel_level >= LEVEL[Rating.MODERATE]:
        minutes["achilles-massage"] = 2
        minutes["toe-bends"] = 2
        emphasis["achilles-massage"] = (
            "Your low back tightened in the heel-raise check: slow, deep strokes down the "
            "Achilles ease the pull along the back of the leg."
        )
        emphasis["toe-bends"] = "Take the toes through their full range, slowly."
        extra_side["achilles-massage"] = extra_side["toe-bends"] = str(assessment.heel_side)
    if PainArea.FOOT in answers.pain_areas:
        minutes["foot-spreading"] = 2
        emphasis["foot-spreading"] = "Let the foot spread to its natural width."

    steps = tuple(
        RoutineStep(
            technique=slug,
            title=title,
            minutes=minutes[slug],
            foot_note=_foot_note(first_foot, extra_side.get(slug, "")),
            emphasis=emphasis.get(slug, ""),
        )
        for slug, title in TECHNIQUES
    )

    notes: list[str] = []
    if (
        assessment.pattern in (Pattern.SAME_SIDE, Pattern.BOTH_SIDES)
        and PainArea.LOW_BACK in answers.pain_areas
    ):
        notes.append(FOOT_BACK_NOTE)
    if PainArea.KNEE in answers.pain_areas:
        notes.append(KNEE_NOTE)
    if answers.pain_duration == PainDuration.OVER_THREE_MONTHS:
        notes.append(LONG_STANDING_NOTE)
    return Routine(kind="personal", first_foot=first_foot, steps=steps, notes=tuple(notes))


def general_routine() -> Routine:
    """The routine for people without a self-check (e.g. buyers' post-purchase email): the
    technique pages' minutes."""
    steps = tuple(
        RoutineStep(
            technique=slug,
            title=title,
            minutes=BASE_MINUTES[slug],
            foot_note=_foot_note(FirstFoot.EITHER),
        )
        for slug, title in TECHNIQUES
    )
    return Routine(kind="general", first_foot=FirstFoot.EITHER, steps=steps, notes=(GENERAL_NOTE,))


# --- What the person noticed, and what changed since last time ---------------------------

_CHECK_NAMES = {"arch": "foot-arch check", "heel": "heel-raise check"}


def _side_phrase(side: str) -> str:
    return {
        Side.LEFT: "more tension on the left",
        Side.RIGHT: "more tension on the right",
        Side.BOTH: "the same tension on both sides",
        Side.NEITHER: "no tension on either side",
        Side.UNSURE: "that you weren't sure",
    }[Side(side)]


def observations(assessment: Assessment) -> tuple[str, str]:
    """One sentence per check, in the person's terms: what they noticed, not a diagnosis."""
    return (
        f"In the {_CHECK_NAMES['arch']} you noticed {_side_phrase(assessment.arch_side)}.",
        f"In the {_CHECK_NAMES['heel']} you noticed {_side_phrase(assessment.heel_side)}.",
    )


@dataclass(frozen=True)
class Change:
    label: str  # "Left arch"
    before: str  # Rating value
    after: str
    direction: str  # "less", "more", "same" or "" when either answer was "not sure"

    @property
    def before_label(self) -> str:
        return Rating(self.before).label

    @property
    def after_label(self) -> str:
        return Rating(self.after).label


def compare(previous: CheckAnswers, current: CheckAnswers) -> tuple[Change, ...]:
    """Each rating then and now, and whether the person noticed less or more tension."""
    changes = []
    for attr, label in (
        ("arch_left", "Left arch"),
        ("arch_right", "Right arch"),
        ("heel_left", "Low back, left side"),
        ("heel_right", "Low back, right side"),
    ):
        before, after = getattr(previous, attr), getattr(current, attr)
        if Rating.UNSURE in (before, after):
            direction = "same" if before == after else ""
        else:
            delta = LEVEL[Rating(after)] - LEVEL[Rating(before)]
            direction = "same" if delta == 0 else ("less" if delta < 0 else "more")
        changes.append(Change(label=label, before=before, after=after, direction=direction))
    return tuple(changes)


def routine_for_result_page(routine: Routine, *, pattern: str) -> Routine:
    """The result page explains a same-side or both-sides pattern above the routine, so the
    routine's own note saying the same is left out there (emails keep it)."""
    if pattern not in (Pattern.SAME_SIDE, Pattern.BOTH_SIDES):
        return routine
    return replace(routine, notes=tuple(n for n in routine.notes if n != FOOT_BACK_NOTE))
