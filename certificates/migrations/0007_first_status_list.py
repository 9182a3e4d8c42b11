from django.db import migrations


def first_status_list(apps, schema_editor):
    """Bits are drawn from the newest list under its lock; with one list from the start, the first
    signers at the same moment share it rather than each opening their own."""
    StatusList = apps.get_model("certificates", "StatusList")
    if not StatusList.objects.exists():
        StatusList.objects.create()


class Migration(migrations.Migration):
    dependencies = [("certificates", "0006_signed_credentials")]

    operations = [migrations.RunPython(first_status_list, migrations.RunPython.noop)]
