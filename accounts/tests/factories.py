import datetime

import factory
from django.contrib.auth import get_user_model

from accounts.models import Licence
from credits.tests.factories import BoardFactory


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["email"]
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    legal_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def verified_email(self, create, verified, **kwargs):
        """UserFactory(verified_email=True) gives a user who has confirmed their address."""
        from allauth.account.models import EmailAddress

        if create and verified:
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)

    @factory.post_generation
    def groups(self, create, names, **kwargs):
        from django.contrib.auth.models import Group

        if create and names:
            self.groups.set(Group.objects.filter(name__in=names))
        if create:
            self.save()

    @factory.post_generation
    def totp(self, create, enabled, **kwargs):
        """Staff whose role requires two-factor authentication get an authenticator app, as they have
        after their first visit to the editor. UserFactory(is_superuser=True, totp=False) is one who
        has not set it up yet; UserFactory(totp=True) gives anyone one."""
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

        from accounts.selectors import user_has_mfa, user_must_use_mfa

        if not create or user_has_mfa(user=self):
            return
        # A fresh copy, so that the permission caches the rule fills stay off the returned user.
        if user_must_use_mfa(user=type(self).objects.get(pk=self.pk)) if enabled is None else enabled:
            TOTP.activate(self, generate_totp_secret())


class LicenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Licence

    user = factory.SubFactory(UserFactory)
    board = factory.SubFactory(BoardFactory)
    number = factory.Sequence(lambda n: f"{n:06d}")
    jurisdiction = "Florida"
    expires_on = factory.LazyFunction(lambda: datetime.date.today() + datetime.timedelta(days=400))
