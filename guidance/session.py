"""What the guidance funnel keeps about a visitor: in their session, and the self-check's answers
so far in a cookie of its own."""

import secrets
from functools import cache

from django.conf import settings
from django.core import signing
from django.urls import reverse
from formtools.wizard.storage.cookie import CookieStorage

VISITOR_KEY = "guidance_visitor"  # random per-session key; survives the key rotation at login
RESULT_TOKEN_KEY = "guidance_result_token"  # the visitor's latest result (links, attribution)
WIZARD_PREFIX = "self_check_wizard"  # the self-check's form prefix
WIZARD_COOKIE = f"wizard_{WIZARD_PREFIX}"  # formtools names its storage "wizard_<prefix>"
_WIZARD_SALT = "guidance.self-check"


def visitor_key(request) -> str:
    if VISITOR_KEY not in request.session:
        request.session[VISITOR_KEY] = secrets.token_urlsafe(16)
    return request.session[VISITOR_KEY]


class WizardCookieStorage(CookieStorage):
    """formtools' cookie storage, sent only to the self-check's URLs and set only on a change.

    The answers so far travel in a signed cookie (HttpOnly, Secure where the session cookie is)
    that the browser sends to the self-check's own pages and nowhere else, so showing or
    answering a step needs no session, database or cache: nothing about the person is kept on
    the server before their result is, and the cookie is deleted then and at a red flag, when
    the storage is reset. A request that changes nothing sets no cookie, so the page cache can
    share its page. A cookie that fails its signature is ignored (the self-check starts over).
    """

    def load_data(self):
        data = _answers_so_far(self.request)
        # What the browser holds, to tell whether the answers changed: the signed value's payload.
        self._sent = self.request.COOKIES[self.prefix].partition(":")[0] if data else ""
        return data

    def update_response(self, response):
        super(CookieStorage, self).update_response(response)  # formtools' temporary files
        if not (self.data[self.step_data_key] or self.data[self.extra_data_key]):
            # Reset (the result is stored, or a red flag ended the run), or nothing to keep.
            if self.prefix in self.request.COOKIES:
                response.delete_cookie(
                    self.prefix, path=_cookie_path(), samesite=settings.SESSION_COOKIE_SAMESITE
                )
            return
        # URL-safe base64: no cookie quoting, which costs more to parse. Not compressed: a few
        # answers gain some 100 bytes, and zlib takes longer than the rest.
        value = signing.dumps(self.data, salt=_WIZARD_SALT)
        if value.partition(":")[0] != self._sent:
            response.set_cookie(
                self.prefix,
                value,
                path=_cookie_path(),
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )


def self_check_page_state(request, other_cookies: set[str]) -> str | None:
    """The page cache's name for the visitor's state when the requested step's page is the same
    for everyone in it (SHOP_PAGE_CACHE_STATES), else None to have the view render it.
    `other_cookies`: the names of the cookies the request carries beyond the CSRF one and those
    in the page cache's key (the page cache's rule: guidance imports nothing of it).

    Shared: the step the visitor was sent to, reached and not answered yet, for a visitor with no
    session (so not signed in, no message waiting) and no cookie but the CSRF one, the self-check's
    and those in the page cache's key (the basket's count is in the header). The view would change
    nothing for them: a step is counted when the answer before it is given.
    """
    if other_cookies - {WIZARD_COOKIE}:
        return None
    data = _answers_so_far(request)
    if data is None:
        return None
    step = request.path_info.rstrip("/").rsplit("/", 1)[-1]
    shared = (
        data.get("step") == step
        and step not in data.get("step_data", {})
        and step in data.get("extra_data", {}).get("reached", [])
    )
    return "self-check" if shared else None


def _answers_so_far(request) -> dict | None:
    """The wizard's data from its cookie; None without one or when it fails its signature."""
    try:
        return signing.loads(request.COOKIES[WIZARD_COOKIE], salt=_WIZARD_SALT)
    except (KeyError, signing.BadSignature):
        return None


@cache
def _cookie_path() -> str:
    return reverse("guidance:self-check")
