"""The payment app's URLs, full paths: Stripe's webhook and the dashboard's refund page.

Included at the root (config/urls.py) before Oscar's own URLs, whose paths these sit among."""

from django.urls import path

from shop.payment.dashboard import OrderRefundView
from shop.payment.views import stripe_webhook

urlpatterns = [
    path("checkout/stripe/webhook/", stripe_webhook, name="stripe-webhook"),
    path("dashboard/orders/<str:number>/refund/", OrderRefundView.as_view(), name="order-refund"),
]
