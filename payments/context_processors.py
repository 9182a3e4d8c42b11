from .gateway import payments_enabled


def payments(request):
    """Whether paid courses can be bought here, for the course pages' Buy button."""
    return {"payments_enabled": payments_enabled()}
