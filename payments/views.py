"""The practitioner's side of buying a course: the policies, the checkout, and their orders and receipts."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from courses.models import CoursePage
from courses.selectors import course_lessons, enrollment_for
from lms.models import default_provider

from . import selectors, services
from .forms import CheckoutForm


def _form_may_go_to_stripe(view):
    """The page's CSP lets its form lead to Stripe's hosted checkout: form-action covers the redirect
    that follows the POST, so 'self' alone would stop the browser on its way to pay. The origin is
    read per request, so that a stand-in for Stripe (the browser tests') can take its place."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response._csp_update = {"form-action": [settings.STRIPE_CHECKOUT_ORIGIN]}
        return response

    return wrapped


@require_http_methods(["GET", "POST"])
@login_required
@_form_may_go_to_stripe
def checkout(request, course_id):
    """The course, its price and the provider's policies, accepted before the practitioner is sent to pay."""
    course = get_object_or_404(CoursePage.objects.live().public(), pk=course_id)
    # Nothing to buy: say so where the practitioner can act on it, the course page.
    if course.is_free:
        messages.info(request, f"{course.title} is free: enroll from this page.")
        return redirect(course.url)
    if enrollment_for(user=request.user, course=course) is not None:
        messages.info(request, f"You are already enrolled in {course.title}: there is nothing to pay.")
        return redirect(course.url)
    # A POST with the box unticked sends no fields at all, and must still be checked.
    form = CheckoutForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                order = services.checkout_start(
                    user=request.user,
                    course=course,
                    policies_accepted=form.cleaned_data["accept_policies"],
                    success_url=request.build_absolute_uri(reverse("payments:checkout_success"))
                    + "?session_id={CHECKOUT_SESSION_ID}",
                    cancel_url=request.build_absolute_uri(reverse("payments:checkout_canceled", args=[course.pk])),
                )
            except services.PaymentError as error:
                form.add_error(None, str(error))
            else:
                return redirect(order.checkout_url)
        status = 400
    context = {**selectors.checkout_page(user=request.user, course=course), "form": form}
    return render(request, "payments/checkout.html", context, status=status)


@require_GET
@login_required
def checkout_success(request):
    """Where Stripe sends the practitioner after paying: fulfils the order at once, without waiting
    for the webhook, and opens the course's first lesson."""
    try:
        order = services.checkout_return(user=request.user, session_id=request.GET.get("session_id", ""))
    except services.PaymentError as error:
        raise Http404(str(error)) from error
    if order.is_fulfilled:
        messages.success(request, f"Payment received: you are enrolled in {order.course_title}.")
        first_lesson = next(iter(course_lessons(course=order.course)), None)
        return redirect(first_lesson.url if first_lesson else order.course.url)
    return render(request, "payments/checkout_pending.html", {"order": order})


@require_GET
@login_required
def checkout_canceled(request, course_id):
    course = get_object_or_404(CoursePage.objects.live().public(), pk=course_id)
    messages.info(
        request, "Checkout canceled: you have not been charged. You can buy the course whenever you are ready."
    )
    return redirect(course.url)


@require_GET
def policies(request):
    """The provider's written purchase policies, public (NCBTMB asks approved providers to have them)."""
    provider = default_provider(site=getattr(request, "site", None))
    return render(request, "payments/policies.html", {"policies": selectors.purchase_policies(provider)})


@require_GET
@login_required
def order_list(request):
    return render(request, "payments/order_list.html", {"orders": selectors.orders_of(user=request.user)})


@require_GET
@login_required
def order_receipt(request, order_id):
    order = selectors.order_of(user=request.user, order_id=order_id)
    if order is None:
        raise Http404("No such order on your account.")
    context = {"order": order, "provider": default_provider(site=getattr(request, "site", None))}
    return render(request, "payments/order_receipt.html", context)
