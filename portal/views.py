"""Portal home: the subjects the user acts for, the chosen one's records and its cases."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.views import generic

from credit.models import VISIBLE_STATES, RecordStatus
from credit.selectors import user_subjects
from processes.commitment.models import CommitmentCase
from processes.listing.selectors import portal_list_info
from processes.interview.models import WarningInterview
from processes.objection.models import Objection
from processes.repair.models import RepairApplication

SESSION_KEY = "portal_subject_id"


def current_subject(request):
    subjects = user_subjects(request.user)
    chosen = subjects.filter(pk=request.session.get(SESSION_KEY)).first()
    return chosen or subjects.first()


class PortalHomeView(LoginRequiredMixin, generic.TemplateView):
    template_name = "portal/home.html"

    def get_context_data(self, **kwargs):
        subject = current_subject(self.request)
        records = subject.records.exclude(status=RecordStatus.UNPUBLISHED).select_related("source_department") if subject else []
        cases = Objection.objects.filter(subject=subject).select_related("record") if subject else []
        repairs = RepairApplication.objects.filter(subject=subject).select_related("record") if subject else []
        # 我的约谈: once the notice has gone out (before it there is nothing for the subject to do)
        kwargs["interviews"] = WarningInterview.objects.filter(subject=subject, notice_count__gt=0).select_related("department", "interview_record") if subject else []
        kwargs.update(portal_list_info(subject))  # 我的名单信息
        kwargs["commitments"] = CommitmentCase.objects.filter(subject=subject).select_related("commitment", "commitment__department") if subject else []
        return super().get_context_data(
            subjects=user_subjects(self.request.user), subject=subject, records=records, objections=cases, repairs=repairs,
            objectionable=VISIBLE_STATES, **kwargs,
        )


class ChooseSubjectView(LoginRequiredMixin, generic.View):
    def post(self, request):
        subject = user_subjects(request.user).filter(pk=request.POST.get("subject")).first()
        if subject is None:
            raise Http404("您不能代表该主体。")
        request.session[SESSION_KEY] = subject.pk
        return redirect("portal:home")
