"""The words each email starts with; staff edit them as EmailContent rows (created from these)."""

from .models import PlannedEmail

Kind = PlannedEmail.Kind

DEFAULT_CONTENT: dict[str, dict[str, str]] = {
    Kind.ROUTINE: {
        "subject": "Your foot-massage routine",
        "heading": "Your routine, as you asked",
        "body": (
            "Here is the routine from your self-check, so you have it next to you when you "
            "start. Work one foot at a time, beginning with the side that felt tighter.\n\n"
            "Go slowly. Where a spot feels sore, stay there for 2 to 3 minutes with as much or "
            "as little pressure as feels comfortable, and lean in with your body weight rather "
            "than your thumbs."
        ),
        "cta_label": "Open your result",
    },
    Kind.TIPS_CHECKIN: {
        "subject": "Three days in: one technique, done slowly",
        "heading": "How are your feet?",
        "body": (
            "A few days in is a good moment to slow one technique right down. Here it is step "
            "by step. Do it on the tighter foot first, then the other."
        ),
        "cta_label": "See all six techniques",
    },
    Kind.TIPS_RETEST: {
        "subject": "A week on: take the self-check again",
        "heading": "Re-test and compare",
        "body": (
            "It has been a week. Take the two checks again (the arch press and the heel raise) "
            "and compare with what you noticed the first time. Both take two minutes.\n\n"
            "If the tighter side has changed, start your routine with that foot from now on."
        ),
        "cta_label": "Take the self-check again",
    },
    Kind.TIPS_REMINDER: {
        "subject": "Make the routine easier on your thumbs",
        "heading": "A cream that helps your hands glide",
        "body": (
            "Infused ReLeaf is the massage cream our practitioner uses for this routine. It helps "
            "your hands glide over the arch and heel and protects your thumbs while you lean in.\n\n"
            "Use the code GETINFUSED for $12 off your order."
        ),
        "cta_label": "Get $12 off with GETINFUSED",
    },
    Kind.ORDER_HOWTO: {
        "subject": "How to use your Infused ReLeaf: your routine",
        "heading": "How to use it",
        "body": (
            "Thank you for your order. Warm a small amount of cream between your palms and follow "
            "the routine below, one foot at a time.\n\n"
            "A tingle is normal; let it happen. Ease off if anything hurts."
        ),
        "cta_label": "Open the technique pages",
    },
    Kind.ORDER_CHECKIN: {
        "subject": "Three weeks on: how is the routine going?",
        "heading": "Checking in",
        "body": (
            "It has been three weeks since your order. If you have been doing the routine, now is "
            "a good time to take the self-check again and see what has changed.\n\n"
            "Questions about your order? Just reply to this email."
        ),
        "cta_label": "Take the self-check again",
    },
    Kind.ORDER_CONFIRMATION: {
        "subject": "Your ReLeaf order is confirmed",
        "heading": "Thank you: your order is paid",
        "body": (
            "We have your payment and are getting your Infused ReLeaf ready. Here is what you "
            "ordered; we will email you again with the tracking link when it leaves us."
        ),
        "cta_label": "Open your routine",
    },
    Kind.ORDER_REFUND: {
        "subject": "Your ReLeaf refund is on its way",
        "heading": "We have sent money back to your card",
        "body": (
            "We have refunded part or all of your order. Refunds usually reach your card in 5 to "
            "10 business days, depending on your bank."
        ),
        "cta_label": "See your order",
    },
    Kind.ORDER_SHIPPED: {
        "subject": "Your Infused ReLeaf is on its way",
        "heading": "Your order has left us",
        "body": "Your parcel is with the carrier. Follow it with the tracking link below.",
        "cta_label": "Track your parcel",
    },
}
