"""Overrides oscar.apps.checkout.utils.CheckoutSessionData: its session entry is made only when
something is stored in it. Oscar's creates the (empty) entry on every checkout page, so showing
the checkout's first page created a session for each guest, which kept the page out of the page
cache and cost a write."""

from oscar.apps.checkout import utils


class CheckoutSessionData(utils.CheckoutSessionData):
    def __init__(self, request):
        self.request = request

    def _check_namespace(self, namespace):
        if self.SESSION_KEY not in self.request.session:
            self.request.session[self.SESSION_KEY] = {}
        super()._check_namespace(namespace)

    def _get(self, namespace, key, default=None):
        return self.request.session.get(self.SESSION_KEY, {}).get(namespace, {}).get(key, default)

    def _flush_namespace(self, namespace):
        self._check_namespace(namespace)
        super()._flush_namespace(namespace)
