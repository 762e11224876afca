"""The listing and removal flows: who acts, in which order, with which deadline. No business rules here."""

from viewflow import this
from viewflow.workflow import flow

from credit.models import Role
from processes.common.flows import CreditFlow
from processes.common.nodes import HumanTask

from . import views
from .models import ListingCase, ListingProcess, RemovalCase, RemovalProcess


class ListingFlow(CreditFlow):
    """Listing (列入名单): proposal and pre-notice → objection window (and the objection's result) → the leader's decision."""

    process_class = ListingProcess
    process_title = "列入名单"
    process_description = "认定部门提出列入红名单、黑名单或重点关注名单：告知、异议期、负责人决定。"
    process_summary_template = "{{ process.case }}"

    start = flow.StartHandle(this.start_case).Annotation(title="提出列入并送达告知书").Next(this.await_window)

    # the subject: the window passes (beat job), it waives it, or an objection it filed is closed
    await_window = flow.Handle(this.window_over).Annotation(title="告知异议期（异议处理）").Next(this.decide)

    # the designating department's leader (负责人)
    decide = (
        HumanTask(views.ListingDecideView.as_view())
        .Annotation(title="负责人决定是否列入")
        .Department(Role.LEADER, lambda process: process.designating_department())
        .Deadline("listing.decide", regime_date=lambda process: process.proposed_on())
        .Next(this.end)
    )

    end = flow.End().Annotation(title="办结")

    def start_case(self, activation, case: ListingCase):
        activation.process.save()  # StartHandle saves it only on execute; the case needs its pk now
        case.process = activation.process
        case.save(update_fields=["process"])
        return activation.process

    def window_over(self, activation):
        """The service has already moved the case to deciding."""


class RemovalFlow(CreditFlow):
    """Removal (移出名单): a trigger starts it → the designating department's reviewer reviews and decides."""

    process_class = RemovalProcess
    process_title = "移出名单"
    process_description = "列入期满、信用修复、司法裁判、认定错误或不再符合条件：审核并作出移出决定。"
    process_summary_template = "{{ process.case }}"

    start = flow.StartHandle(this.start_case).Annotation(title="发起移出").Next(this.review)

    # the designating department's reviewer (审核人)
    review = (
        HumanTask(views.RemovalReviewView.as_view())
        .Annotation(title="审核并决定移出")
        .Department(Role.REVIEWER, lambda process: process.designating_department())
        .Deadline("listing.removal", regime_date=lambda process: process.started_on())
        .Next(this.end)
    )

    end = flow.End().Annotation(title="办结")

    def start_case(self, activation, case: RemovalCase):
        activation.process.save()
        case.process = activation.process
        case.save(update_fields=["process"])
        return activation.process
