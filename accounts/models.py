from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from lms.validators import validate_printable_line

from .timezones import validate_time_zone


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in with their email address.

    `legal_name` is the name certificates print; boards match it against the licence record,
    so it is kept apart from the informal first and last names.
    """

    username = None
    email = models.EmailField("email address", unique=True)
    legal_name = models.CharField(
        max_length=200,
        blank=True,
        validators=[validate_printable_line],
        help_text="Your full name exactly as it appears on your massage license.",
    )
    # Blank until the person or their browser names one: dates and times are then shown in the site's zone.
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="Dates and times on the site are shown in this time zone.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self):
        return self.legal_name or self.get_full_name() or self.email


def normalise_licence_number(number: str) -> str:
    """A licence number as boards print it: no surrounding spaces, letters in capitals."""
    return number.strip().upper()


class Licence(models.Model):
    """A practitioner's licence or board certification, which CE hours count toward.

    The number is kept as boards print it (`normalise_licence_number`) and must have the form the
    board's `licence_number_pattern` describes (`credits.models.Board.licence_number_fits`).
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="licences")
    board = models.ForeignKey("credits.Board", on_delete=models.PROTECT, related_name="licences")
    number = models.CharField("license number", max_length=50, validators=[validate_printable_line])
    jurisdiction = models.CharField(
        "state or country",
        max_length=100,
        validators=[validate_printable_line],
        help_text="Where the license was issued, e.g. Florida; for a national certification, the country.",
    )
    expires_on = models.DateField(
        "expiration date", help_text="The date printed on the license; renewals count from it."
    )
    first_licensed_on = models.DateField(
        "first licensed on",
        null=True,
        blank=True,
        help_text="Only if the license is in its first renewal period: some boards ask fewer hours then.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "license"
        ordering = ["board__name", "expires_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "board", "number"], name="accounts_licence_unique_per_user"),
        ]

    def __str__(self):
        return f"{self.board} {self.number}"

    def clean(self):
        super().clean()
        self.number = normalise_licence_number(self.number)
        if not self.board_id or not self.number:
            return
        if self.first_licensed_on and self.expires_on and self.first_licensed_on >= self.expires_on:
            raise ValidationError({"first_licensed_on": "A license is first issued before it expires."})
        if not self.board.licence_number_fits(self.number):
            raise ValidationError({"number": licence_number_mismatch_message(self.board)})
        duplicate = Licence.objects.filter(user_id=self.user_id, board_id=self.board_id, number=self.number)
        if self.user_id and duplicate.exclude(pk=self.pk).exists():
            raise ValidationError({"number": "You have already recorded this license."})

    @property
    def is_expired(self) -> bool:
        return self.expires_on < timezone.localdate()


def licence_number_mismatch_message(board) -> str:
    if board.licence_number_example:
        return f"{board} license numbers look like {board.licence_number_example}: check the number on your license."
    return f"This is not in the form of a {board} license number: check the number on your license."
