from django import forms


class CheckoutForm(forms.Form):
    accept_policies = forms.BooleanField(
        label="I have read the registration, cancellation and refund policies above, and any certificate fee, "
        "and I accept them.",
        error_messages={"required": "Read and accept the policies before paying."},
    )
