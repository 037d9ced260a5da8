"""Fork of oscar.apps.partner: the pricing strategy reads the shop's sales-tax setting."""

import oscar.apps.partner.apps as apps


class PartnerConfig(apps.PartnerConfig):
    name = "shop.partner"
