from django.urls import path

from . import views, webhooks

app_name = "payments"

urlpatterns = [
    path("payments/stripe/webhook/", webhooks.stripe_webhook, name="stripe_webhook"),
    path("payments/courses/<id:course_id>/buy/", views.checkout, name="checkout"),
    path("payments/checkout/success/", views.checkout_success, name="checkout_success"),
    path("payments/courses/<id:course_id>/canceled/", views.checkout_canceled, name="checkout_canceled"),
    path("policies/", views.policies, name="policies"),
    path("accounts/orders/", views.order_list, name="orders"),
    path("accounts/orders/<id:order_id>/", views.order_receipt, name="receipt"),
]
