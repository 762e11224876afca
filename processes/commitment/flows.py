"""The commitment flow: who acts, in which order, with which deadline. No business rules here."""

from viewflow import this
from viewflow.workflow import flow

from credit.models import Role
from processes.common.flows import CreditFlow
from processes.common.nodes import HumanTask

from . import views
from .models import CommitmentCase, CommitmentProcess

S = CommitmentCase.Status


class CommitmentFlow(CreditFlow):
    """Commitment review (信用承诺): signed letter → (missing materials supplied) → verification by the department → breach confirmed."""

    process_class = CommitmentProcess
    process_title = "信用承诺"
    process_description = "信用主体作出信用承诺：签署承诺书并公示，补齐容缺材料，受理部门核查履约情况。"
    process_summary_template = "{{ process.case }}"

    start = flow.StartHandle(this.start_case).Annotation(title="登记信用承诺").Next(this.is_signed)
    is_signed = (
        flow.If(lambda activation: activation.process.case.status == S.SIGNING)
        .Annotation(title="是否已上传签署的承诺书")
        .Then(this.await_signature)
        .Else(this.after_signature)
    )

    # the subject signs the standard-format letter and uploads it in the portal: the commitment is published
    await_signature = flow.Handle(this.signature_received).Annotation(title="等待上传签署的承诺书").Next(this.after_signature)
    after_signature = (
        flow.If(lambda activation: activation.process.case.status == S.AWAITING_SUPPLEMENT)
        .Annotation(title="是否容缺受理")
        .Then(this.await_supplement)
        .Else(this.verify)
    )

    # 容缺受理: the subject supplies the missing materials in the portal, or the due date passes
    await_supplement = flow.Handle(this.supplement_answered).Annotation(title="等待补齐容缺材料").Next(this.verify)

    # the department the commitment was made to
    verify = (
        HumanTask(views.VerifyView.as_view())
        .Annotation(title="核查承诺履行情况")
        .Department(Role.HANDLER, lambda process: process.department())
        .Deadline("commitment.verify", regime_date=lambda process: process.registered_on())
        .Next(this.after_verify)
    )
    after_verify = (
        flow.If(lambda activation: activation.process.case.status == S.REVIEWING)
        .Annotation(title="是否认定违诺")
        .Then(this.review)
        .Else(this.end)
    )
    # The rule table has no separate period for confirming a breach: it is part of the verification.
    review = (
        HumanTask(views.ReviewView.as_view())
        .Annotation(title="审核违诺认定")
        .Department(Role.REVIEWER, lambda process: process.department())
        .Deadline("commitment.verify", regime_date=lambda process: process.registered_on())
        .Next(this.after_review)
    )
    after_review = (
        flow.If(lambda activation: activation.process.case.status == S.BREACHED)
        .Annotation(title="审核结论")
        .Then(this.end)
        .Else(this.verify)
    )

    end = flow.End().Annotation(title="办结")

    def start_case(self, activation, case: CommitmentCase):
        activation.process.save()  # StartHandle saves it only on execute; the case needs its pk now
        case.process = activation.process
        case.save(update_fields=["process"])
        return activation.process

    def signature_received(self, activation):
        """The service has already published the commitment (awaiting supplement or for verification)."""

    def supplement_answered(self, activation):
        """The service has already moved the case to verification (supplied, or the due date passed)."""
