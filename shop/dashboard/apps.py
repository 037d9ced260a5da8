"""Fork of oscar.apps.dashboard: the home page (IndexView) with the launch checklist."""

import oscar.apps.dashboard.apps as apps


class DashboardConfig(apps.DashboardConfig):
    name = "shop.dashboard"
