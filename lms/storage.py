"""The storage of private files: certificate PDFs and proofs of reported credits, which carry license
numbers and are only ever served through a view that checks who asks (never by a public address).

Their fields name `private_storage`, which Django calls once, when the model class is made: it returns
a stand-in for `STORAGES["private"]` that looks the storage up again after the setting changes (as
Django's own `default_storage` does), so that a field follows the setting rather than the storage
configured when the models were imported. The migrations name it by the models' modules
(`certificates.models.private_storage`, `credits.models.private_storage`), which import it from here.
"""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty


class _PrivateStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages["private"]


private_files = _PrivateStorage()


def private_storage():
    return private_files


@receiver(setting_changed)
def _private_storage_reset(*, setting, **kwargs):
    if setting == "STORAGES":
        private_files._wrapped = empty
