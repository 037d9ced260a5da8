"""Fork of oscar.apps.address: the address book's form is the US one the checkout uses."""

import oscar.apps.address.apps as apps


class AddressConfig(apps.AddressConfig):
    name = "shop.address"
