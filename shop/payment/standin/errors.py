"""`StripeError`: what the stand-in answers instead of an object, in Stripe's error shape."""

from __future__ import annotations

from typing import Any

DOC_URL = "https://stripe.com/docs/error-codes/{code}"


class StripeError(Exception):
    """Becomes `{"error": {"type", "message", "code"?, "param"?, "decline_code"?,
    "doc_url"?}}` with this HTTP status; like Stripe, `doc_url` comes with every `code`."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        code: str | None = None,
        param: str | None = None,
        decline_code: str | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.body: dict[str, Any] = {"type": type, "message": message}
        for key, value in (("code", code), ("param", param), ("decline_code", decline_code)):
            if value is not None:
                self.body[key] = value
        if code is not None:
            self.body["doc_url"] = DOC_URL.format(code=code.replace("_", "-"))


def missing(kind: str, object_id: str, param: str) -> StripeError:
    return StripeError(404, f"No such {kind}: '{object_id}'", code="resource_missing", param=param)


def unrecognized(method: str, path: str) -> StripeError:
    return StripeError(404, f"Unrecognized request URL ({method}: {path}).")
