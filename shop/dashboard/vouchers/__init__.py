default_app_config = "shop.dashboard.vouchers.apps.VouchersDashboardConfig"
