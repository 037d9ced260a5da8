"""What the guidance funnel keeps in the visitor's session."""

import secrets

VISITOR_KEY = "guidance_visitor"  # random per-session key; survives the key rotation at login
RESULT_TOKEN_KEY = "guidance_result_token"  # the visitor's latest result (links, attribution)


def visitor_key(request) -> str:
    if VISITOR_KEY not in request.session:
        request.session[VISITOR_KEY] = secrets.token_urlsafe(16)
    return request.session[VISITOR_KEY]
