"""The shipping address form is a US one: state select, ZIP checked, autofill tokens."""

import pytest

from tests.helpers.checkout import ADDRESS


@pytest.fixture
def at_address_step(client, small_jar):
    client.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    client.post("/checkout/", {"username": "ann@example.com", "options": "anonymous"})
    return client


def post_address(client, **changes):
    return client.post("/checkout/shipping-address/", {**ADDRESS, **changes})


def test_form_has_us_labels_states_and_autofill_tokens(at_address_step):
    page = at_address_step.get("/checkout/shipping-address/").content.decode()
    for wording in ("Street address", "City", "ZIP code", "State", "Phone (optional)"):
        assert wording in page
    for leftover in ("State/County", "Post/Zip-code", "Third line of address"):
        assert leftover not in page
    assert '<option value="DC">District of Columbia</option>' in page
    assert '<option value="WY">Wyoming</option>' in page
    assert 'value="PR"' not in page  # no territories: Standard shipping doesn't go there
    for token in (
        "shipping given-name",
        "shipping family-name",
        "shipping address-line1",
        "shipping address-line2",
        "shipping address-level2",
        "shipping address-level1",
        "shipping postal-code",
        "shipping tel",
    ):
        assert f'autocomplete="{token}"' in page


def test_gateway_email_has_its_token(client, small_jar):
    client.post(f"/basket/add/{small_jar.pk}/", {"quantity": 1})
    assert 'autocomplete="email"' in client.get("/checkout/").content.decode()


@pytest.mark.parametrize("zip_code", ["62701", "62701-1234"])
def test_zip_and_zip_plus_four_are_accepted(at_address_step, zip_code):
    response = post_address(at_address_step, postcode=zip_code)
    assert response.status_code == 302
    assert response["Location"] == "/checkout/shipping-method/"


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"state": "Narnia"}, "Select a valid choice."),
        ({"state": ""}, "This field is required."),
        ({"postcode": "6270"}, "Enter a 5-digit ZIP code, or ZIP+4 like 62701-1234."),
        ({"postcode": "SW1A 1AA"}, "Enter a 5-digit ZIP code, or ZIP+4 like 62701-1234."),
        ({"state": "TX"}, "This ZIP code isn&#x27;t in Texas."),
    ],
)
def test_bad_state_or_zip_is_refused(at_address_step, changes, error):
    response = post_address(at_address_step, **changes)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert at_address_step.get("/checkout/shipping-method/").status_code == 302  # no address kept


def test_dc_and_a_shared_prefix_are_accepted(at_address_step):
    assert post_address(at_address_step, state="DC", postcode="20500").status_code == 302
    assert post_address(at_address_step, state="TX", postcode="73301").status_code == 302
