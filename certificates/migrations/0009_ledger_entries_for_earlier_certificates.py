"""Certificates issued before the CE record existed get their entries, from what each certificate
printed (its snapshot): one per approval, withdrawn if the certificate was revoked, and a reissue's
entries superseding its predecessor's, as credits.services does for certificates issued from now on."""

from decimal import Decimal

from django.db import migrations


def entries_from_snapshots(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    CreditEntry = apps.get_model("credits", "CreditEntry")
    Board = apps.get_model("credits", "Board")
    CreditCategory = apps.get_model("credits", "CreditCategory")
    boards = {board.code: board for board in Board.objects.all()}
    categories = {category.name: category for category in CreditCategory.objects.all()}
    recorded = set(CreditEntry.objects.exclude(certificate_code="").values_list("certificate_code", flat=True))
    certificates = Certificate.objects.select_related("enrollment", "reissue_of").order_by("issued_at", "pk")
    for certificate in certificates:
        if certificate.code in recorded:
            continue
        predecessors = {}
        if certificate.reissue_of_id:
            predecessors = {
                entry.board_id: entry
                for entry in CreditEntry.objects.filter(certificate_code=certificate.reissue_of.code)
            }
        snapshot = certificate.snapshot
        for approval in snapshot["course"].get("approvals", []):
            board = boards.get(approval["board"])
            if board is None:
                continue
            entry = CreditEntry.objects.create(
                user_id=certificate.enrollment.user_id,
                source="earned",
                board=board,
                title=approval["title"],
                provider_name=snapshot["provider"]["name"],
                provider_number=approval.get("provider_number", ""),
                approval_number=approval["number"],
                hours=Decimal(approval["hours"]),
                delivery=approval["delivery"],
                completed_on=certificate.completed_on,
                certificate_code=certificate.code,
                course_id=certificate.enrollment.course_id,
                review_status="verified",
                supersedes=predecessors.get(board.pk),
                correction_reason="Reissued certificate" if board.pk in predecessors else "",
            )
            entry.categories.set([categories[name] for name in approval.get("categories", []) if name in categories])
        is_superseded = Certificate.objects.filter(reissue_of=certificate).exists()
        if certificate.revoked_at and not is_superseded:
            CreditEntry.objects.filter(certificate_code=certificate.code).update(
                withdrawn_at=certificate.revoked_at,
                withdrawn_reason=f"Certificate revoked: {certificate.revocation_reason}",
            )


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0008_pdf_carries_credential"),
        ("credits", "0006_entry_review_permission"),
    ]

    operations = [migrations.RunPython(entries_from_snapshots, migrations.RunPython.noop)]
