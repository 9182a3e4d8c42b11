"""The sales report in the Wagtail admin: per course and currency, what was paid and refunded in a period.

One query groups the orders by course and currency, however many orders there are; amounts in two
currencies are never added together, each currency has its own totals.
"""

from dataclasses import dataclass

import django_filters
from django.db.models import Count, Sum
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.reports import ReportView

from lms.exports import GuardedSpreadsheetExportMixin
from lms.money import major_units

from .admin_views import VIEW_PERMISSION, ViewOnlyPolicy
from .models import Order
from .presentation import money


def _currencies(request=None):
    return [(code, code) for code in Order.objects.order_by().values_list("currency", flat=True).distinct()]


class SalesFilterSet(WagtailFilterSet):
    paid_at = django_filters.DateFromToRangeFilter(label="Paid between", widget=DateRangePickerWidget)
    currency = django_filters.ChoiceFilter(choices=_currencies, empty_label="All currencies")

    class Meta:
        model = Order
        fields = []


@dataclass
class SalesLine:
    """One course's sales in one currency; amounts in minor units."""

    course: str
    currency: str
    paid_orders: int
    gross: int
    refunded: int

    @property
    def net(self) -> int:
        return self.gross - self.refunded

    @property
    def shown_gross(self) -> str:
        return money(self.gross, self.currency)

    @property
    def shown_refunded(self) -> str:
        return money(self.refunded, self.currency)

    @property
    def shown_net(self) -> str:
        return money(self.net, self.currency)


def sales_lines(orders) -> list[SalesLine]:
    """The orders' sales per course and currency, in one query: every order that was paid counts,
    whatever happened to it since, with all that has been refunded on it."""
    rows = (
        orders.filter(paid_at__isnull=False)
        .values("course_id", "course__title", "currency")
        .annotate(
            paid_orders=Count("pk"),
            gross=Sum("amount_paid", default=0),
            refunded=Sum("amount_refunded", default=0),
        )
        .order_by("currency", "course__title", "course_id")
    )
    return [
        SalesLine(row["course__title"], row["currency"], row["paid_orders"], row["gross"], row["refunded"])
        for row in rows
    ]


def currency_totals(lines: list[SalesLine]) -> list[SalesLine]:
    totals: dict[str, SalesLine] = {}
    for line in lines:
        total = totals.setdefault(line.currency, SalesLine("All courses", line.currency, 0, 0, 0))
        total.paid_orders += line.paid_orders
        total.gross += line.gross
        total.refunded += line.refunded
    return list(totals.values())


class SalesReportView(GuardedSpreadsheetExportMixin, ReportView):
    """Per course, in each currency: paid orders, gross paid, refunded and net, for orders paid in the period."""

    page_title = "Sales"
    header_icon = "table"
    index_url_name = "payments_sales"
    index_results_url_name = "payments_sales_results"
    results_template_name = "payments/admin/sales_results.html"
    filterset_class = SalesFilterSet
    paginate_by = None  # one line per course and currency; the totals need every line
    export_filename = "sales"
    columns = [
        Column("course", label="Course"),
        Column("currency", label="Currency"),
        Column("paid_orders", label="Paid orders"),
        Column("gross", label="Gross paid", accessor="shown_gross"),
        Column("refunded", label="Refunded", accessor="shown_refunded"),
        Column("net", label="Net", accessor="shown_net"),
    ]
    list_export = ["course", "currency", "paid_orders", "gross", "refunded", "net"]
    export_headings = {
        "course": "Course",
        "currency": "Currency",
        "paid_orders": "Paid orders",
        "gross": "Gross paid",
        "refunded": "Refunded",
        "net": "Net",
    }
    permission_policy = ViewOnlyPolicy(Order)
    permission_required = "view"

    def get_queryset(self):
        return Order.objects.all()

    def get_filtered_queryset(self):
        self.lines = sales_lines(self.filter_queryset(self.get_queryset()))
        self.totals = currency_totals(self.lines)
        return self.lines

    def to_row_dict(self, line: SalesLine):
        # Amounts as numbers in the currency's major unit (49.00), so that a spreadsheet sums them.
        return {
            "course": line.course,
            "currency": line.currency,
            "paid_orders": line.paid_orders,
            "gross": major_units(line.gross, line.currency),
            "refunded": major_units(line.refunded, line.currency),
            "net": major_units(line.net, line.currency),
        }

    def as_spreadsheet(self, lines, spreadsheet_format):
        # The totals close the sheet, one line per currency, as they close the page.
        return super().as_spreadsheet([*lines, *self.totals], spreadsheet_format)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["totals"] = self.totals
        return context


class SalesMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_PERMISSION)
