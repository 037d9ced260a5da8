"""What the guidance funnel keeps in the visitor's session."""

import json
import secrets

from formtools.wizard.storage.session import SessionStorage

VISITOR_KEY = "guidance_visitor"  # random per-session key; survives the key rotation at login
RESULT_TOKEN_KEY = "guidance_result_token"  # the visitor's latest result (links, attribution)


def visitor_key(request) -> str:
    if VISITOR_KEY not in request.session:
        request.session[VISITOR_KEY] = secrets.token_urlsafe(16)
    return request.session[VISITOR_KEY]


class WizardSessionStorage(SessionStorage):
    """formtools' session storage, saving the session only when the answers or step changed.

    formtools marks the session modified on every read of its data, so each GET of a step wrote
    the session (a database UPDATE with cached_db sessions). formtools calls update_response()
    after every request, which is where a change is detected.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._saved = self._snapshot()

    def _snapshot(self) -> str:
        # Sessions hold JSON; comparing the text is cheaper than a deep copy of the data.
        return json.dumps(self.request.session.get(self.prefix), sort_keys=True)

    @property
    def data(self):
        return self.request.session[self.prefix]

    @data.setter
    def data(self, value):
        self.request.session[self.prefix] = value

    def update_response(self, response):
        super().update_response(response)
        if self._snapshot() != self._saved:
            self.request.session.modified = True
