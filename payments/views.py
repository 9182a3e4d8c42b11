"""The practitioner's side of buying a course: the policies, the checkout, and their orders and receipts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from courses.models import CoursePage
from courses.selectors import course_lessons
from lms.models import default_provider

from . import gateway, selectors, services
from .forms import CheckoutForm


@require_http_methods(["GET", "POST"])
@login_required
def checkout(request, course_id):
    """The course, its price and the provider's policies, accepted before the practitioner is sent to pay."""
    course = get_object_or_404(CoursePage.objects.live().public(), pk=course_id)
    form = CheckoutForm(request.POST or None)
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
    context = {
        "course": course,
        "form": form,
        "payments_enabled": gateway.payments_enabled(),
        "policies": selectors.purchase_policies(default_provider(site=getattr(request, "site", None))),
    }
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
    if order.is_paid:
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
