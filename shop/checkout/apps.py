"""Fork of oscar.apps.checkout: the payment step creates a pending order and sends the customer to Stripe Checkout."""

import oscar.apps.checkout.apps as apps


class CheckoutConfig(apps.CheckoutConfig):
    name = "shop.checkout"
