"""Read-only questions about documents: who may download one, which belong to a case."""

from django.db.models import Q, QuerySet

from credit.models import Role, StaffRole
from credit.selectors import user_subjects

from .models import Document


def document_user_may_download(user, document: Document) -> bool:
    """Staff of the issuing department, of the credit lead department (法规科) or
    with an administrator role; superusers; portal users acting for the
    document's subject."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    departments = Q(department_id=document.department_id) | Q(department__is_credit_lead=True) | Q(role=Role.ADMIN)
    # The departments a case involves (e.g. the one a verification letter goes to) read its documents too.
    case = document.case if document.content_type_id else None
    involved = getattr(case, "involved_department_ids", None)
    if callable(involved):
        departments |= Q(department_id__in=involved())
    if StaffRole.objects.filter(user=user).filter(departments).exists():
        return True
    return document.subject_id is not None and user_subjects(user).filter(pk=document.subject_id).exists()


def documents_for(case) -> QuerySet[Document]:
    """The documents issued in ``case`` (a case of any process), oldest first."""
    return Document.objects.for_case(case).select_related("department").order_by("created_at", "year", "sequence")  # 文号 breaks ties (tests freeze the clock)


def documents_for_subject(case) -> QuerySet[Document]:
    """The documents of ``case`` addressed to its subject (internal letters between departments left out)."""
    return documents_for(case).filter(subject__isnull=False)


def document_by_verification_code(code: str) -> Document | None:
    return Document.objects.select_related("department").filter(verification_code=code).first()
