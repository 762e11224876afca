"""Credit repair (信用修复): a subject asks for a penalty record to stop being published.

Eligibility (申请条件) is checked at filing against the regime in force for the record
(规则版本): the minimum publication period (最短公示期) passed for its severity — minor
penalties (轻微) as soon as obligations are performed (履行义务) — proof of performance
and the materials the regime requires (信用承诺书 among them). Intake (受理) by the credit
office; the decision (修复决定) by the department that imposed the penalty (谁认定、谁修复)
within the rule table's deadline, extendable for complex cases (延长). Approval stops
publication (终止公示) and sharing, removes a list entry resting on the record, publishes
the repair (信用修复公示) and pushes the result to the platforms; refusal comes with a
不予信用修复决定书 and its reasons. A repair notice (信用修复告知书) can be issued for any
penalty record.
"""
