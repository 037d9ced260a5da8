"""Fork of oscar.apps.checkout: the payment step creates a pending order and sends the customer
to Stripe Checkout; adds the Stripe return, cancel and resume URLs under /checkout/stripe/ (the
webhook is the payment app's: shop/payment/urls.py)."""

import oscar.apps.checkout.apps as apps
from django.urls import path
from oscar.core.loading import get_class


class CheckoutConfig(apps.CheckoutConfig):
    name = "shop.checkout"

    def ready(self):
        super().ready()
        self.stripe_return_view = get_class("checkout.views", "StripeReturnView")
        self.stripe_cancel_view = get_class("checkout.views", "StripeCancelView")
        self.stripe_resume_view = get_class("checkout.views", "StripeResumeView")

    def get_urls(self):
        urls = super().get_urls()
        urls += [
            path("stripe/return/", self.stripe_return_view.as_view(), name="stripe-return"),
            path("stripe/cancel/", self.stripe_cancel_view.as_view(), name="stripe-cancel"),
            path("stripe/resume/", self.stripe_resume_view.as_view(), name="stripe-resume"),
        ]
        return self.post_process_urls(urls)
