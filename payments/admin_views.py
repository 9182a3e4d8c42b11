"""Orders in the Wagtail admin: reviewers list, filter and export them, read one with its Stripe events,
refunds and history, refund it through Stripe and mark a flagged one as reviewed.

Nobody adds, edits or deletes an order here, superusers included: an order changes only through a
purchase, Stripe's events, or the two actions on its page, each in the audit log.
"""

import uuid
from collections import OrderedDict

import django_filters
from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from wagtail.admin.filters import DateRangePickerWidget, WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, StatusFlagColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views.generic.models import IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.models import ModelLogEntry
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from courses.models import CoursePage
from lms.errors import DomainError
from lms.exports import GuardedSpreadsheetExportMixin
from lms.money import major_units, minor_units

from . import refunds
from .models import Order, OrderStatus, Refund, StripeEvent
from .presentation import money

VIEW_PERMISSION = "payments.view_order"


class ViewOnlyPolicy(ModelPermissionPolicy):
    """Orders are records of money: viewed in the admin, never added, changed or deleted there."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)


register_permission_policy(Order, ViewOnlyPolicy(Order))


def order_number(order: Order) -> str:
    return f"Order {order.pk}"


def _money_or_blank(amount, currency) -> str:
    return money(amount, currency) if amount else ""


def _practitioner(order: Order):
    return format_html('{}<br><span class="w-text-grey-400">{}</span>', order.user.legal_name, order.user.email)


def _courses_with_orders(request):
    return CoursePage.objects.filter(pk__in=Order.objects.values("course_id")).order_by("title")


class OrderFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices, empty_label="All", widget=forms.RadioSelect)
    course = django_filters.ModelChoiceFilter(queryset=_courses_with_orders, empty_label="All courses")
    created_at = django_filters.DateFromToRangeFilter(label="Created", widget=DateRangePickerWidget)
    flagged = django_filters.BooleanFilter(
        label="Flagged for review", method="filter_flagged", widget=BooleanRadioSelect
    )

    class Meta:
        model = Order
        fields = []

    def filter_flagged(self, queryset, name, value):
        return queryset.filter(flagged_at__isnull=not value)


# The spreadsheet's columns: amounts are numbers in the currency's major unit (49.00), so they sum.
ORDER_EXPORT_HEADINGS = OrderedDict(
    [
        ("number", "Order number"),
        ("created", f"Created ({settings.TIME_ZONE})"),
        ("email", "Practitioner email"),
        ("legal_name", "Legal name"),
        ("course", "Course (as bought)"),
        ("currency", "Currency"),
        ("price", "Price"),
        ("paid", "Paid"),
        ("refunded", "Refunded"),
        ("status", "Status"),
        ("paid_at", f"Paid on ({settings.TIME_ZONE})"),
        ("flagged", "Flagged for review"),
        ("flag_reason", "Flag reason"),
        ("checkout_session", "Stripe Checkout Session"),
        ("payment_intent", "Stripe PaymentIntent"),
    ]
)


class OrderIndexView(GuardedSpreadsheetExportMixin, IndexView):
    """The orders, newest first; searched by the practitioner's email, the order number or any Stripe id
    (Checkout Session, PaymentIntent, refund or event)."""

    list_export = list(ORDER_EXPORT_HEADINGS)
    export_headings = ORDER_EXPORT_HEADINGS
    default_ordering = "-created_at"

    def get_base_queryset(self):
        return Order.objects.select_related("user")

    @cached_property
    def columns(self):
        title_column = self._get_title_column_class(TitleColumn)
        return [
            title_column("number", label="Order", accessor=order_number, get_url=self.get_inspect_url, sort_key="pk"),
            Column("practitioner", label="Practitioner", accessor=_practitioner, sort_key="user__email"),
            Column("course_title", label="Course (as bought)", sort_key="course_title"),
            Column("amount", label="Amount", accessor=lambda o: money(o.amount, o.currency), sort_key="amount"),
            Column("amount_paid", label="Paid", accessor=lambda o: _money_or_blank(o.amount_paid, o.currency)),
            Column(
                "amount_refunded", label="Refunded", accessor=lambda o: _money_or_blank(o.amount_refunded, o.currency)
            ),
            StatusTagColumn("status", label="Status", accessor="get_status_display", primary=lambda o: o.is_paid),
            DateColumn("created_at", label="Created", sort_key="created_at"),
            StatusFlagColumn(
                "flagged", label="Flagged", accessor=lambda o: o.flagged_at is not None, true_label="Flagged"
            ),
        ]

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        query = self.search_query.strip()
        matches = (
            Q(user__email__icontains=query)
            | Q(checkout_session_id=query)
            | Q(payment_intent_id=query)
            | Exists(Refund.objects.filter(order=OuterRef("pk"), stripe_refund_id=query))
            | Exists(StripeEvent.objects.filter(order=OuterRef("pk"), event_id=query))
        )
        number = query.removeprefix("#").removeprefix("Order ").strip()
        if number.isdigit():
            matches |= Q(pk=int(number))
        return queryset.filter(matches)

    def to_row_dict(self, order: Order):
        major = major_units
        return OrderedDict(
            number=order.pk,
            created=_local(order.created_at),
            email=order.user.email,
            legal_name=order.user.legal_name,
            course=order.course_title,
            currency=order.currency,
            price=major(order.amount, order.currency),
            paid=None if order.amount_paid is None else major(order.amount_paid, order.currency),
            refunded=major(order.amount_refunded, order.currency),
            status=order.get_status_display(),
            paid_at=_local(order.paid_at),
            flagged="Yes" if order.flagged_at else "No",
            flag_reason=order.flag_reason,
            checkout_session=order.checkout_session_id or "",
            payment_intent=order.payment_intent_id,
        )


def _local(moment):
    """A time as the provider's clock read it, to the second: spreadsheets take no time zones."""
    return moment and timezone.localtime(moment).replace(tzinfo=None, microsecond=0)


class RefundForm(forms.Form):
    amount = forms.CharField(
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": "Give the amount to refund."},
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Kept with the order and in its history.",
        error_messages={"required": "Say why the order is refunded: the reason is kept with the order."},
    )

    def __init__(self, *args, order: Order, refundable: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = order.currency
        self.fields["amount"].label = f"Amount ({order.currency})"
        self.fields["amount"].initial = major_units(refundable, order.currency)
        self.fields[
            "amount"
        ].help_text = f"Up to {money(refundable, order.currency)}, what is neither refunded nor asked of Stripe yet."

    def clean_amount(self) -> int:
        try:
            return minor_units(self.cleaned_data["amount"], self.currency)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


class ReviewForm(forms.Form):
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="What you checked or decided, e.g. “Certificate kept: the course was completed before the refund.”",
        error_messages={"required": "Say what you checked or decided: the note is kept in the order's history."},
    )


class OrderInspectView(InspectView):
    """Everything on one order, with the reviewer's two actions on it."""

    template_name = "payments/admin/order_inspect.html"

    def get_object(self, queryset=None):
        return (
            Order.objects.select_related("user", "course").filter(pk=self.pk).first()
            or super().get_object(queryset)  # its 404
        )

    def get_page_title(self):
        return order_number(self.object)

    def get_fields_context(self):
        return []  # the template lays the order out itself

    def get_page_subtitle(self):
        return self.object.course_title

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": "Orders"},
            {"url": "", "label": order_number(self.object), "sublabel": self.object.course_title},
        ]

    @cached_property
    def may_act(self) -> bool:
        return self.request.user.has_perm(refunds.REFUND_PERMISSION)

    @cached_property
    def refundable(self) -> int:
        return refunds.refundable_amount(self.object)

    @cached_property
    def unconfirmed(self) -> int:
        return refunds.unconfirmed_refund_amount(self.object)

    def refund_form(self, data=None):
        return RefundForm(data, order=self.object, refundable=self.refundable)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        order = self.object
        may_refund = self.refundable > 0 and bool(order.payment_intent_id)
        if "refund_form" not in kwargs and may_refund:
            context["refund_form"] = self.refund_form()
        if "review_form" not in kwargs and order.flagged_at:
            context["review_form"] = ReviewForm()
        context.update(
            order=order,
            may_act=self.may_act,
            may_refund=may_refund,
            refundable=money(self.refundable, order.currency),
            unconfirmed=money(self.unconfirmed, order.currency) if self.unconfirmed else "",
            # A fresh key for each form shown: one submission of it is one refund, however often it arrives.
            request_key=uuid.uuid4().hex,
            events=order.events.all(),
            refunds=order.refunds.select_related("requested_by"),
            history=_history(order),
            refund_url=reverse("payments_orders:refund", args=[order.pk]),
            review_url=reverse("payments_orders:review", args=[order.pk]),
        )
        return context


class HistoryLine:
    """One audit-log entry as the order's page reads it: what happened, who did it, and its particulars."""

    DETAILS = {
        "payments.refund_request": lambda data: f"{money(data['amount'], data['currency'])}: {data['reason']}",
        "payments.refunded": lambda data: f"{money(data['amount_refunded'], data['currency'])} refunded in all",
        "payments.paid": lambda data: money(data["amount_paid"], data["currency"]),
        "payments.flag": lambda data: data["reason"],
        "payments.failed": lambda data: data["reason"],
        "payments.review": lambda data: f"{data['note']} (the flag said: {data['flag_reason']})",
    }

    def __init__(self, entry: ModelLogEntry):
        self.timestamp = entry.timestamp
        self.message = entry.message
        self.who = entry.user.email if entry.user else "Stripe or the site"
        try:
            self.detail = self.DETAILS[entry.action](entry.data) if entry.action in self.DETAILS else ""
        except (KeyError, TypeError):
            self.detail = ""


def _history(order: Order) -> list[HistoryLine]:
    entries = ModelLogEntry.objects.for_instance(order).select_related("user").order_by("-timestamp", "-pk")
    return [HistoryLine(entry) for entry in entries]


class RefundView(OrderInspectView):
    """Asks Stripe to refund the order; the order changes when Stripe's charge.refunded confirms it."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = self.refund_form(request.POST)
        if form.is_valid():
            try:
                refund = refunds.order_refund(
                    user=request.user,
                    order=self.object,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    request_key=request.POST.get("request_key", ""),
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                amount = money(refund.amount, self.object.currency)
                messages.success(request, f"Refund of {amount} requested; the order shows it once Stripe confirms.")
                return redirect("payments_orders:inspect", self.object.pk)
        return self.render_to_response(self.get_context_data(refund_form=form))


class ReviewView(OrderInspectView):
    """Marks a flagged order as reviewed, with the reviewer's note."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = ReviewForm(request.POST)
        if form.is_valid():
            try:
                refunds.order_flag_clear(user=request.user, order=self.object, note=form.cleaned_data["note"])
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"{order_number(self.object)} is marked reviewed; its flag is cleared.")
                return redirect("payments_orders:inspect", self.object.pk)
        return self.render_to_response(self.get_context_data(review_form=form))


class OrderViewSet(ModelViewSet):
    model = Order
    name = "payments_orders"
    url_prefix = "orders"
    icon = "list-ul"
    menu_label = "Orders"
    menu_order = 330
    add_to_admin_menu = True
    index_view_class = OrderIndexView
    inspect_view_class = OrderInspectView
    inspect_view_enabled = True
    filterset_class = OrderFilterSet
    search_fields = ["user__email"]  # turns the search box on; OrderIndexView.search_queryset does the search
    list_per_page = 50
    export_filename = "orders"
    copy_view_enabled = False

    def get_urlpatterns(self):
        # No add, edit, delete or history views at all: the policy refuses them, and the order's page has its history.
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("inspect/<int:pk>/", self.inspect_view, name="inspect"),
            path("inspect/<int:pk>/refund/", self.action_view(RefundView), name="refund"),
            path("inspect/<int:pk>/review/", self.action_view(ReviewView), name="review"),
        ]

    def action_view(self, view_class):
        return self.construct_view(view_class, **self.get_inspect_view_kwargs())
