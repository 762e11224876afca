"""The objection flow: who acts, in which order, with which deadline. No business rules here."""

from viewflow import this
from viewflow.workflow import flow

from credit.models import Role
from processes.common.flows import CreditFlow
from processes.common.nodes import HumanTask

from . import views
from .models import Objection, ObjectionProcess

S = Objection.Status


class ObjectionFlow(CreditFlow):
    """Objection (异议处理): intake by the credit office → verification by the source department → decision."""

    process_class = ObjectionProcess
    process_title = "异议处理"
    process_description = "信用主体对信用记录提出异议：受理、核查、审核、决定。"
    process_summary_template = "{{ process.case }}"

    start = flow.StartHandle(this.start_case).Annotation(title="提交异议").Next(this.intake)

    # credit office (法规科): accept, refuse, or ask for supplements
    intake = (
        HumanTask(views.IntakeView.as_view())
        .Annotation(title="受理审查")
        .Department(Role.INTAKE, lambda process: process.credit_office())
        .Deadline("objection.intake", regime_date=lambda process: process.filed_on())
        .Next(this.after_intake)
    )
    after_intake = (
        flow.Switch()
        .Annotation(title="受理结果")
        .Case(this.verify, lambda activation: activation.process.case.status == S.VERIFYING)
        .Case(this.await_supplement, lambda activation: activation.process.case.status == S.SUPPLEMENT_REQUESTED)
        .Default(this.end)
    )

    # the subject supplies materials in the portal, or the due date passes
    await_supplement = flow.Handle(this.supplement_answered).Annotation(title="等待补正材料").Next(this.after_supplement)
    after_supplement = (
        flow.If(lambda activation: activation.process.case.status == S.FILED)
        .Annotation(title="是否补正")
        .Then(this.intake)
        .Else(this.end)
    )

    # the department that produced the record (谁产生、谁负责)
    verify = (
        HumanTask(views.VerifyView.as_view())
        .Annotation(title="核查异议（数据提供部门）")
        .Department(Role.HANDLER, lambda process: process.record_department())
        .Deadline("objection.verify", regime_date=lambda process: process.filed_on())
        .Next(this.review)
    )
    review = (
        HumanTask(views.ReviewView.as_view())
        .Annotation(title="审核核查结果")
        .Department(Role.REVIEWER, lambda process: process.record_department())
        .Deadline("objection.review", regime_date=lambda process: process.filed_on())
        .Next(this.after_review)
    )
    after_review = (
        flow.If(lambda activation: activation.process.case.status == S.DECIDED)
        .Annotation(title="审核结论")
        .Then(this.end)
        .Else(this.verify)
    )

    end = flow.End().Annotation(title="办结")

    def start_case(self, activation, objection: Objection):
        activation.process.save()  # StartHandle saves it only on execute; the case needs its pk now
        objection.process = activation.process
        objection.save(update_fields=["process"])
        return activation.process

    def supplement_answered(self, activation):
        """The service has already moved the case to filed (supplied) or withdrawn (expired)."""
