"""The opening wording of the technique pages and the self-check, loaded by `guidance_setup`.

After the first load staff own this text (Django admin or the dashboard); the set-up command
only adds what is missing and never overwrites an edit.
"""

TECHNIQUE_CONTENT: list[dict] = [
    {
        "slug": "twists",
        "title": "Twists",
        "order": 1,
        "purpose": "A gentle warm-up. Twisting the foot loosens it and gets it ready for "
        "deeper work.",
        "steps": "Warm a small amount of cream between your palms.\n"
        "Place your palms on either side of the foot and work the cream in, deeply.\n"
        "Ease the right side of the foot towards you while you push the left side away.\n"
        "Swap: push the right side away while you ease the left side towards you.\n"
        "Keep twisting back and forth, moving your hands from the ankle towards the toes.",
        "tips": "Keep it gentle: this is the warm-up, not the deep work.\n"
        "Enough cream to glide, not so much that your hands slip.",
    },
    {
        "slug": "arch-rubs",
        "title": "Arch rubs",
        "order": 2,
        "purpose": "Works the underside of the foot along the arch, where the tight band of "
        "tissue between heel and toes often holds on.",
        "steps": "Hold the top of the foot in one hand.\n"
        "With the fingers of the other hand, press the cream deeply into the arch.\n"
        "Rub along the whole length of the arch, from the heel to the ball of the foot.\n"
        "Repeat until the arch no longer feels sore.",
        "tips": "When you find a sore spot, press and hold it for 2 to 3 minutes.\n"
        "Lean in with your body weight, not with your thumbs.",
    },
    {
        "slug": "toe-bends",
        "title": "Toe bends",
        "order": 3,
        "purpose": "Bending the toes through their range helps the front of the foot stay "
        "flexible.",
        "steps": "Hold the heel with one hand.\n"
        "Slowly and deeply, work the cream into the ball of the foot.\n"
        "With the other hand, bend all the toes back and forth together.\n"
        "Repeat, adding a little pressure each time and taking the toes through their full range.",
        "tips": "Slow movements; stop short of anything that pinches.",
    },
    {
        "slug": "foot-spreading",
        "title": "Foot spreading",
        "order": 4,
        "purpose": "Helps the foot widen to its natural width after a day in shoes.",
        "steps": "Hold the foot with a hand on each side.\n"
        "Draw both sides of the foot outwards, away from the middle.\n"
        "Release and repeat, letting the foot spread a little more each time.",
        "tips": "Think of opening the foot, not stretching it hard.",
    },
    {
        "slug": "heel-squeezes",
        "title": "Heel squeezes",
        "order": 5,
        "purpose": "Eases tension at the back and underside of the heel, where the arch ends.",
        "steps": "Work the cream deeply into the sole of the foot.\n"
        "Press both thumbs deeply into the heel.\n"
        "Press and release the back of the heel, again and again.",
        "tips": "Let your body weight do the pressing; if your thumbs start to ache, ease off.",
    },
    {
        "slug": "achilles-massage",
        "title": "Achilles massage",
        "order": 6,
        "purpose": "Slow strokes down the Achilles tendon ease the pull at the back of the "
        "heel and calf.",
        "steps": "Take hold of the Achilles tendon between the thumb and index finger of "
        "your other hand.\n"
        "Stroke slowly and deeply down towards the heel.\n"
        "Feel for tight spots and work them slowly until the tightness lets go.\n"
        "Repeat several times.",
        "tips": "Slow is the point here: the slower the stroke, the more you feel.",
    },
]

# Keys the templates look up. Editable wording only; the answers themselves are typed choices.
TEXT_CONTENT: list[dict] = [
    {
        "key": "step-safety",
        "title": "First, a quick safety check",
        "body": "Massage is for everyday tension. Some signs need a clinician first, so "
        "please answer these honestly. Your answers here are not stored.",
    },
    {
        "key": "step-pain",
        "title": "Where do you feel it, and for how long?",
        "body": "Tick every place that bothers you. This helps us shape your routine.",
    },
    {
        "key": "step-arch",
        "title": "The foot-arch check",
        "body": "Sit down and take one foot in your hands. Press deeply into the middle of the "
        "arch with your thumbs, then point and flex the foot while you keep pressing.\n\n"
        "Do the same on the other foot. How tight did each arch feel?",
    },
    {
        "key": "step-heel",
        "title": "The heel-raise check",
        "body": "Stand with your feet hip-width apart and your toes in line (if one foot is a "
        "little ahead, line them up).\n\n"
        "Raise your right heel, keeping the knee straight and the ball of the foot on the "
        "floor. Lower it, then do the same with the left heel.\n\n"
        "Notice your low back each time. How tight did each side feel?",
    },
    {
        "key": "pattern-same_side",
        "title": "Your foot and your back are tight on the same side",
        "body": "The practitioner behind this routine finds this pairing again and again: a "
        "tight arch and a tight low back on the same side. When the deep hip muscle that "
        "lifts the knee is tight, the foot ends up doing extra work with every step, and a "
        "tight foot in turn pulls on the back. Your foot may be feeding the tension you feel "
        "higher up, which makes the foot a good place to start.",
    },
    {
        "key": "pattern-both_sides",
        "title": "You noticed tension on both sides",
        "body": "Both feet and both sides of your low back felt tight. The practitioner sees "
        "this pairing often: a tight foot and a tight low back can keep each other going. Your "
        "feet may be feeding the tension you feel in your back, so work both, one at a time.",
    },
    {
        "key": "pattern-opposite_sides",
        "title": "Your foot and your back were tight on different sides",
        "body": "The tighter foot and the tighter side of your back didn't match this time. "
        "Start with the tighter foot, and retake the check in a couple of weeks to see "
        "whether the picture changes.",
    },
    {
        "key": "pattern-one_check_only",
        "title": "Only one check showed tension",
        "body": "One check stood out and the other didn't. The routine still helps keep the "
        "feet supple; spend longer where you felt the tension.",
    },
    {
        "key": "pattern-neither",
        "title": "Neither check showed a tighter side",
        "body": "Good news: nothing stood out today. The routine is a pleasant way to keep it "
        "that way. Retake the check whenever your feet or back feel different.",
    },
    {
        "key": "red-flag",
        "title": "Please see a clinician first",
        "body": "Something you told us is a reason to talk to a doctor, podiatrist or physical "
        "therapist before massaging your feet. That's not a judgement on how serious it is: "
        "it just needs a professional look first.\n\n"
        "If you have sudden weakness in your legs, numbness around the groin or new bladder "
        "or bowel trouble, seek urgent care today.",
    },
]
