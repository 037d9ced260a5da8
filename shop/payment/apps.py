"""Fork of oscar.apps.payment: Stripe Checkout attempts and webhook events beside Oscar's Source/SourceType."""

import oscar.apps.payment.apps as apps


class PaymentConfig(apps.PaymentConfig):
    name = "shop.payment"
