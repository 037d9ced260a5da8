"""`StandinControl`: the stand-in's /_standin/ test controls over HTTP, for tests and scripts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests


@dataclass(frozen=True)
class SignedEvent:
    id: str
    type: str
    payload: bytes  # the exact body the stand-in POSTs (and signs)
    signature_header: str  # freshly signed when listed, valid for Stripe's 5-minute tolerance
    delivered: bool
    attempts: list[dict[str, Any]]  # [{"status": 200 (0 = no answer), "at": unix time}, ...]
    event: dict[str, Any]


class StandinControl:
    def __init__(self, base_url: str, *, timeout: float = 10):
        self.base_url = base_url.rstrip("/")
        self.http = requests.Session()
        self.timeout = timeout

    def _post(self, path: str, **data: Any) -> requests.Response:
        return self.http.post(f"{self.base_url}{path}", data=data, timeout=self.timeout)

    def configure(
        self,
        *,
        webhook_url: str | None = None,
        auto_deliver: bool | None = None,
        retry_delays: tuple[float, ...] | None = None,
    ) -> dict[str, Any]:
        """Change delivery settings; returns the whole configuration as it now is."""
        data: dict[str, Any] = {}
        if webhook_url is not None:
            data["webhook_url"] = webhook_url
        if auto_deliver is not None:
            data["auto_deliver"] = "true" if auto_deliver else "false"
        if retry_delays is not None:
            data["retry_delays"] = ",".join(str(d) for d in retry_delays)
        response = self._post("/_standin/config", **data)
        response.raise_for_status()
        return response.json()

    def pay(
        self, session_id: str, card: str = "4242424242424242", *, three_d_secure: str = "approve"
    ) -> requests.Response:
        """Complete a session without a browser: 200 with the session, or 402/400 with an error."""
        return self._post(
            f"/_standin/sessions/{session_id}/pay", card=card, three_d_secure=three_d_secure
        )

    def expire(self, session_id: str) -> requests.Response:
        return self._post(f"/_standin/sessions/{session_id}/expire")

    def events(self, *, type: str = "", related_to: str = "") -> list[SignedEvent]:
        """Every event so far (oldest first), optionally of one type or about one object id
        (a session, payment intent or charge id)."""
        response = self.http.get(
            f"{self.base_url}/_standin/events",
            params={"type": type, "related_to": related_to},
            timeout=self.timeout,
        )
        response.raise_for_status()
        return [
            SignedEvent(
                id=e["id"],
                type=e["type"],
                payload=e["payload"].encode(),
                signature_header=e["signature_header"],
                delivered=e["delivered"],
                attempts=e["attempts"],
                event=e["event"],
            )
            for e in response.json()["data"]
        ]

    def deliver(self, event_id: str) -> int:
        """POST one event to the webhook URL now; returns the endpoint's HTTP status (0: no answer)."""
        response = self._post(f"/_standin/events/{event_id}/deliver")
        response.raise_for_status()
        return response.json()["status"]

    def reset(self) -> None:
        self._post("/_standin/reset").raise_for_status()
