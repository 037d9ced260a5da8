"""Fork of oscar.apps.customer: registration and email change (views, forms, services) that do
not reveal which addresses have accounts; adds the activation and email-change link pages, and
the erasure of a person's account and orders (receivers). Drops the account pages a one-product
shop does not use: product alerts, notifications and Oscar's email history (our emails are not
kept there); wish lists are a hidden feature (OSCAR_HIDDEN_FEATURES)."""

import oscar.apps.customer.apps as apps
from django.urls import path
from oscar.core.loading import get_class

UNUSED_PAGES = ("alert", "notifications-", "email-list", "email-detail")


class CustomerConfig(apps.CustomerConfig):
    name = "shop.customer"

    def ready(self):
        super().ready()
        from . import receivers  # noqa: F401  (erasure)

        self.activate_view = get_class("customer.views", "AccountActivateView")
        self.email_confirm_view = get_class("customer.views", "EmailChangeConfirmView")

    def get_urls(self):
        urls = [
            path("activate/<str:token>/", self.activate_view.as_view(), name="activate"),
            path(
                "email/confirm/<str:token>/",
                self.email_confirm_view.as_view(),
                name="email-confirm",
            ),
        ]
        kept = [url for url in super().get_urls() if not _unused(url)]
        return urls + kept


def _unused(url) -> bool:
    return (getattr(url, "name", None) or "").startswith(UNUSED_PAGES)
