"""shop.partner.strategy: Oscar's pricing strategies, with the user looked up only when asked."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils.functional import SimpleLazyObject

from shop.partner.strategy import Default, SalesTax, Selector


def _never_looked_up():
    pytest.fail("making the strategy looked the user up")


@pytest.mark.parametrize("rate", ["0", "0.08"])
def test_making_a_strategy_does_not_look_the_user_up(rf, settings, rate):
    settings.SHOP_SALES_TAX_RATE = Decimal(rate)
    request = rf.get("/guidance/self-check/pain/")
    request.user = SimpleLazyObject(_never_looked_up)
    strategy = Selector().strategy(request=request, user=request.user)
    assert type(strategy) is (SalesTax if Decimal(rate) else Default)


def test_the_strategys_user_is_the_signed_in_customer(rf, django_user_model):
    customer = django_user_model(username="c", email="c@example.com")
    request = rf.get("/")
    request.user = customer
    assert Selector().strategy(request=request).user is customer
    request.user = AnonymousUser()
    assert Selector().strategy(request=request).user is None
    assert Selector().strategy().user is None  # no request: a stock alert's
