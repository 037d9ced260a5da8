"""Replaces oscar.apps.analytics.receivers.receive_product_search: Oscar stores the raw query
in UserSearch.query (255 characters), so a longer search by a signed-in customer was a 500."""

from oscar.core.loading import get_model

UserSearch = get_model("analytics", "UserSearch")


def receive_product_search(sender, query, user, **kwargs):
    if user and user.is_authenticated and not kwargs.get("raw", False):
        limit = UserSearch._meta.get_field("query").max_length
        UserSearch._default_manager.create(user=user, query=query[:limit])
