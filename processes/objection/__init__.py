"""Objection (异议处理): a subject disputes a credit record.

Filed (提交) by the subject in the portal, by staff on its behalf, or by a transfer
(转办) from the national site; the record is marked under objection (异议处理中) at
once. Intake (受理) by the credit office (法规科): accept, refuse (不予受理) or ask for
supplements (补正材料, with a due date; no answer closes the case as withdrawn).
Verification (核查) by the department that produced the record (谁产生、谁负责),
sent with a verification letter (协查函): the handler (承办人) proposes corrected (更正)
/ withdrawn (撤销) / upheld (维持) and the department's reviewer (审核人) approves or
returns it. The decision (异议处理决定书) is applied to the record, synced to the
platforms and told to the subject with its reasons.
"""
