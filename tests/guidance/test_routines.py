"""The routine logic, table-driven over every combination of sides in the two checks."""

import pytest

from guidance.routines import (
    BASE_MINUTES,
    FOOT_BACK_NOTE,
    GENERAL_NOTE,
    GENERAL_TIPS,
    KNEE_NOTE,
    LONG_STANDING_NOTE,
    TECHNIQUE_SLUGS,
    CheckAnswers,
    Routine,
    assess,
    build_routine,
    compare,
    general_routine,
    observations,
    tighter_side,
)

# Ratings (left, right) that make each side the tighter one.
SIDE_RATINGS = {
    "left": ("strong", "mild"),
    "right": ("none", "moderate"),
    "both": ("mild", "mild"),
    "neither": ("none", "none"),
    "unsure": ("unsure", "strong"),
}

# (arch side, heel side) -> (pattern, first foot). Every one of the 25 combinations.
PATTERNS = [
    ("left", "left", "same_side", "left"),
    ("left", "right", "opposite_sides", "left"),
    ("left", "both", "same_side", "left"),
    ("left", "neither", "one_check_only", "left"),
    ("left", "unsure", "one_check_only", "left"),
    ("right", "left", "opposite_sides", "right"),
    ("right", "right", "same_side", "right"),
    ("right", "both", "same_side", "right"),
    ("right", "neither", "one_check_only", "right"),
    ("right", "unsure", "one_check_only", "right"),
    ("both", "left", "same_side", "left"),
    ("both", "right", "same_side", "right"),
    ("both", "both", "both_sides", "either"),
    ("both", "neither", "one_check_only", "either"),
    ("both", "unsure", "one_check_only", "either"),
    ("neither", "left", "one_check_only", "left"),
    ("neither", "right", "one_check_only", "right"),
    ("neither", "both", "one_check_only", "either"),
    ("neither", "neither", "neither", "either"),
    ("neither", "unsure", "neither", "either"),
    ("unsure", "left", "one_check_only", "left"),
    ("unsure", "right", "one_check_only", "right"),
    ("unsure", "both", "one_check_only", "either"),
    ("unsure", "neither", "neither", "either"),
    ("unsure", "unsure", "neither", "either"),
]


def answers_for(arch_side, heel_side, **extra):
    arch, heel = SIDE_RATINGS[arch_side], SIDE_RATINGS[heel_side]
    return CheckAnswers(
        arch_left=arch[0], arch_right=arch[1], heel_left=heel[0], heel_right=heel[1], **extra
    )


def test_the_table_covers_every_combination():
    assert {(a, h) for a, h, _, _ in PATTERNS} == {
        (a, h) for a in SIDE_RATINGS for h in SIDE_RATINGS
    }


@pytest.mark.parametrize("arch_side,heel_side,pattern,first_foot", PATTERNS)
def test_pattern_and_routine_for_each_combination(arch_side, heel_side, pattern, first_foot):
    answers = answers_for(arch_side, heel_side, pain_areas=frozenset({"low_back"}))
    assessment = assess(answers)
    assert (assessment.arch_side, assessment.heel_side, assessment.pattern) == (
        arch_side,
        heel_side,
        pattern,
    )
    routine = build_routine(answers)
    assert routine.kind == "personal"
    assert routine.first_foot == first_foot
    assert tuple(step.technique for step in routine.steps) == TECHNIQUE_SLUGS
    assert routine.tips == GENERAL_TIPS
    # The post's point about the foot feeding the back only for matching sides.
    assert (FOOT_BACK_NOTE in routine.notes) is (pattern in ("same_side", "both_sides"))
    assert Routine.from_dict(routine.to_dict()) == routine


@pytest.mark.parametrize(
    "left,right,side",
    [
        ("none", "none", "neither"),
        ("mild", "mild", "both"),
        ("strong", "strong", "both"),
        ("strong", "moderate", "left"),
        ("none", "mild", "right"),
        ("unsure", "none", "unsure"),
        ("strong", "unsure", "unsure"),
        ("unsure", "unsure", "unsure"),
    ],
)
def test_tighter_side(left, right, side):
    assert tighter_side(left, right) == side


def minutes(routine):
    return {step.technique: step.minutes for step in routine.steps}


def test_relaxed_answers_give_the_base_routine():
    routine = build_routine(answers_for("neither", "neither"))
    assert minutes(routine) == {
        "twists": 1,
        "arch-rubs": 2,
        "toe-bends": 1,
        "foot-spreading": 1,
        "heel-squeezes": 1,
        "achilles-massage": 1,
    }
    assert [step.emphasis for step in routine.steps] == [""] * 6
    assert {step.foot_note for step in routine.steps} == {"One foot at a time, the same on both."}
    assert routine.notes == ()


def test_tight_arch_means_longer_arch_and_heel_work_on_that_foot():
    answers = CheckAnswers(
        arch_left="none", arch_right="strong", heel_left="none", heel_right="none"
    )
    routine = build_routine(answers)
    assert routine.first_foot == "right"
    assert minutes(routine)["arch-rubs"] == 3
    assert minutes(routine)["heel-squeezes"] == 2
    arch = routine.steps[1]
    assert arch.foot_note == "Right foot first; a minute less is enough on the left."
    assert arch.emphasis == (
        "Your arch felt tight: find the sorest spot and hold it for 2 to 3 minutes."
    )
    assert routine.steps[0].foot_note == "Right foot first, then the left."


def test_tight_low_back_means_longer_achilles_and_toe_work():
    answers = CheckAnswers(
        arch_left="mild", arch_right="none", heel_left="none", heel_right="strong"
    )
    routine = build_routine(answers)
    assert routine.first_foot == "left"  # the foot check decides the first foot
    assert minutes(routine)["achilles-massage"] == 2
    assert minutes(routine)["toe-bends"] == 2
    assert minutes(routine)["arch-rubs"] == 2
    achilles = routine.steps[5]
    assert achilles.foot_note == "Left foot first, then the right: give the right the extra time."
    assert routine.steps[1].emphasis == "Stay on any spot that feels sore until it softens."


def test_knee_foot_and_duration_notes():
    routine = build_routine(
        answers_for(
            "neither",
            "neither",
            pain_areas=frozenset({"knee", "foot"}),
            pain_duration="over_3_months",
        )
    )
    assert routine.notes == (KNEE_NOTE, LONG_STANDING_NOTE)
    assert minutes(routine)["foot-spreading"] == 2


def test_no_back_note_without_back_pain():
    routine = build_routine(answers_for("left", "left", pain_areas=frozenset({"foot"})))
    assert FOOT_BACK_NOTE not in routine.notes


def test_general_routine():
    routine = general_routine()
    assert routine.kind == "general"
    assert routine.first_foot == "either"
    assert tuple(step.technique for step in routine.steps) == TECHNIQUE_SLUGS
    assert routine.notes == (GENERAL_NOTE,)
    # the technique pages' minutes, one source for both
    assert {step.technique: step.minutes for step in routine.steps} == BASE_MINUTES
    assert routine.total_minutes == 7
    assert Routine.from_dict(routine.to_dict()) == routine


def test_observations_say_what_was_noticed():
    assert observations(assess(answers_for("left", "unsure"))) == (
        "In the foot-arch check you noticed more tension on the left.",
        "In the heel-raise check you noticed that you weren't sure.",
    )


def test_compare_reports_each_rating_then_and_now():
    before = CheckAnswers(
        arch_left="strong", arch_right="none", heel_left="mild", heel_right="unsure"
    )
    after = CheckAnswers(arch_left="mild", arch_right="mild", heel_left="mild", heel_right="none")
    assert [(c.label, c.before, c.after, c.direction) for c in compare(before, after)] == [
        ("Left arch", "strong", "mild", "less"),
        ("Right arch", "none", "mild", "more"),
        ("Low back, left side", "mild", "mild", "same"),
        ("Low back, right side", "unsure", "none", ""),
    ]


def test_no_drug_claims_in_the_routine_wording():
    texts = [*GENERAL_TIPS, FOOT_BACK_NOTE, KNEE_NOTE, LONG_STANDING_NOTE, GENERAL_NOTE]
    for answers in (answers_for(a, h) for a, h, _, _ in PATTERNS):
        texts += [s.emphasis + s.foot_note for s in build_routine(answers).steps]
    joined = " ".join(texts).lower()
    for claim in ("eraser", "cure", "heal", "pain relief", "relieves pain", "anti-inflammatory"):
        assert claim not in joined
