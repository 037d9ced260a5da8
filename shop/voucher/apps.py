"""Fork of oscar.apps.voucher: once-per-customer codes also admit guests, counted by email."""

import oscar.apps.voucher.apps as apps


class VoucherConfig(apps.VoucherConfig):
    name = "shop.voucher"
