from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"


class WagtailUsersConfig(WagtailUsersAppConfig):
    user_viewset = "accounts.viewsets.UserViewSet"
