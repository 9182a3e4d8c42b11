from django.urls import path, reverse
from wagtail import hooks

from .admin_reports import SalesMenuItem, SalesReportView
from .admin_views import OrderViewSet


@hooks.register("register_admin_viewset")
def register_order_viewset():
    return OrderViewSet()


@hooks.register("register_admin_urls")
def register_sales_report_urls():
    return [
        path("reports/sales/", SalesReportView.as_view(), name="payments_sales"),
        path("reports/sales/results/", SalesReportView.as_view(results_only=True), name="payments_sales_results"),
    ]


@hooks.register("register_reports_menu_item")
def register_sales_report_menu_item():
    return SalesMenuItem("Sales", reverse("payments_sales"), name="sales", icon_name="table", order=910)


@hooks.register("register_log_actions")
def register_payment_log_actions(actions):
    actions.register_action("payments.checkout", "Checkout", "Checkout opened on Stripe")
    actions.register_action("payments.paid", "Paid", "Order paid")
    actions.register_action("payments.failed", "Not paid", "Order not paid")
    actions.register_action("payments.refund_request", "Refund", "Refund asked of Stripe")
    actions.register_action("payments.refunded", "Refunded", "Refund confirmed by Stripe")
    actions.register_action("payments.flag", "Flag", "Order flagged for a reviewer")
    actions.register_action("payments.review", "Mark reviewed", "Flagged order marked reviewed")
