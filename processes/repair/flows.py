"""The repair flow: who acts, in which order, with which deadline. No business rules here."""

from viewflow import this
from viewflow.workflow import flow

from credit.models import Role
from processes.common.flows import CreditFlow
from processes.common.nodes import HumanTask

from . import views
from .models import RepairApplication, RepairProcess

S = RepairApplication.Status


class RepairFlow(CreditFlow):
    """Credit repair (信用修复): intake by the credit office → decision by the department that imposed the penalty."""

    process_class = RepairProcess
    process_title = "信用修复"
    process_description = "信用主体申请终止公示行政处罚信息：受理、审查决定。"
    process_summary_template = "{{ process.case }}"

    start = flow.StartHandle(this.start_case).Annotation(title="提交修复申请").Next(this.intake)

    # credit office (法规科)
    intake = (
        HumanTask(views.IntakeView.as_view())
        .Annotation(title="受理审查")
        .Department(Role.INTAKE, lambda process: process.credit_office())
        .Deadline("repair.intake", regime_date=lambda process: process.filed_on())
        .Next(this.after_intake)
    )
    after_intake = (
        flow.If(lambda activation: activation.process.case.status == S.DECIDING)
        .Annotation(title="是否受理")
        .Then(this.decide)
        .Else(this.end)
    )

    # the department that imposed the penalty (谁认定、谁修复)
    decide = (
        HumanTask(views.DecideView.as_view())
        .Annotation(title="审查决定是否准予修复")
        .Department(Role.HANDLER, lambda process: process.deciding_department())
        .Deadline("repair.decide", regime_date=lambda process: process.filed_on())
        .Next(this.end)
    )

    end = flow.End().Annotation(title="办结")

    def start_case(self, activation, application: RepairApplication):
        activation.process.save()  # StartHandle saves it only on execute; the case needs its pk now
        application.process = activation.process
        application.save(update_fields=["process"])
        return activation.process
