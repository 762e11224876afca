"""The interview flow: who acts, in which order, with which deadline. No business rules here."""

from viewflow import this
from viewflow.workflow import flow

from credit.models import Role
from processes.common.flows import CreditFlow
from processes.common.nodes import HumanTask

from . import views
from .models import InterviewProcess, WarningInterview

S = WarningInterview.Status


class InterviewFlow(CreditFlow):
    """Warning interview (约谈): notice → the subject's confirmation → interview and minutes → follow-up, by the designating department."""

    process_class = InterviewProcess
    process_title = "约谈"
    process_description = "对失信主体进行提示约谈或警示约谈：约谈通知、确认、约谈并录入约谈记录、整改跟踪。"
    process_summary_template = "{{ process.case }}"

    start = flow.StartHandle(this.start_case).Annotation(title="发起约谈").Next(this.prepare)

    # the department that designated the subject (谁认定、谁约谈)
    prepare = (
        HumanTask(views.PrepareView.as_view())
        .Annotation(title="发出约谈通知书")
        .Department(Role.HANDLER, lambda process: process.department())
        .Deadline("interview.hold", regime_date=lambda process: process.started_on())
        .Next(this.await_confirmation)
    )

    # the subject confirms in the portal, staff record its confirmation, or the day passes unconfirmed
    await_confirmation = flow.Handle(this.confirmation_answered).Annotation(title="等待主体确认参加").Next(this.after_confirmation)
    after_confirmation = (
        flow.If(lambda activation: activation.process.case.status == S.CONFIRMED)
        .Annotation(title="是否确认")
        .Then(this.hold)
        .Else(this.leader_decide)
    )

    hold = (
        HumanTask(views.HoldView.as_view())
        .Annotation(title="举行约谈、上传约谈记录")
        .Department(Role.HANDLER, lambda process: process.department())
        .Deadline("interview.hold", regime_date=lambda process: process.started_on())
        .Next(this.after_hold)
    )
    after_hold = (
        flow.Switch()
        .Annotation(title="约谈结果")
        .Case(this.await_followup_date, lambda activation: activation.process.case.status == S.FOLLOW_UP)
        .Case(this.leader_decide, lambda activation: activation.process.case.status == S.NO_SHOW)
        .Default(this.end)
    )

    # the periodic sweep completes the wait on the promised rectification date
    await_followup_date = flow.Handle(this.followup_due).Annotation(title="等待整改期限届满").Next(this.followup)
    followup = (
        HumanTask(views.FollowupView.as_view())
        .Annotation(title="整改跟踪：核实整改情况")
        .Department(Role.HANDLER, lambda process: process.department())
        .Deadline("interview.followup", regime_date=lambda process: process.started_on())
        .Next(this.end)
    )

    # a no-show goes up to the department's leader (负责人)
    leader_decide = (
        HumanTask(views.LeaderDecideView.as_view())
        .Annotation(title="未到场：负责人决定")
        .Department(Role.LEADER, lambda process: process.department())
        .Next(this.after_leader)
    )
    after_leader = (
        flow.If(lambda activation: activation.process.case.status == S.PREPARING)
        .Annotation(title="是否重新约谈")
        .Then(this.prepare)
        .Else(this.end)
    )

    end = flow.End().Annotation(title="办结")

    def start_case(self, activation, interview: WarningInterview):
        activation.process.save()  # StartHandle saves it only on execute; the case needs its pk now
        interview.process = activation.process
        interview.save(update_fields=["process"])
        return activation.process

    def confirmation_answered(self, activation):
        """The service has already moved the case to confirmed, or to no-show."""

    def followup_due(self, activation):
        """The rectification due date has come: the follow-up task is next."""
