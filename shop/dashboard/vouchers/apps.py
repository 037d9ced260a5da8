"""Fork of oscar.apps.dashboard.vouchers: adds the code's Active switch (voucher-active)."""

import oscar.apps.dashboard.vouchers.apps as apps
from django.urls import path
from oscar.core.loading import get_class


class VouchersDashboardConfig(apps.VouchersDashboardConfig):
    name = "shop.dashboard.vouchers"

    def configure_permissions(self):
        super().configure_permissions()
        DashboardPermission = get_class("dashboard.permissions", "DashboardPermission")
        self.permissions_map["voucher-active"] = DashboardPermission.get(
            "voucher", "view_voucher", "change_offer"
        )

    def ready(self):
        super().ready()
        self.active_view = get_class("dashboard.vouchers.views", "VoucherActiveView")

    def get_urls(self):
        urls = [path("active/<int:pk>/", self.active_view.as_view(), name="voucher-active")]
        return super().get_urls() + self.post_process_urls(urls)
