"""Warning interviews (提示约谈 / 警示约谈): the department that designated a subject talks to it.

A case starts from a dishonesty record (失信记录) or a list entry (名单) by staff, or in bulk
from the dishonest-subject lists that province and city send down (省、市下发失信主体名单,
imported from CSV or Excel: every row checked, bad rows reported with their reasons, a row
never imported twice). It is routed to the designating department (谁认定、谁约谈): its
handler (承办人) issues the interview notice (约谈通知书: time, place, matter); the subject
confirms attendance in the portal, or staff record the confirmation (代为登记确认); the
interview is held and the signed minutes (约谈记录: attendees, what was said, the
rectification promised — 整改承诺 — and its due date) are uploaded. The minutes become an
interview record in the subject's credit file (信用档案) and are queued for the provincial
report (省信用平台报送). At the rectification due date a follow-up task (整改跟踪) records
whether it was done. A subject that does not come (未到场) is recorded as such and the case
goes to the department's leader (负责人), who has the interview rescheduled or closes the
case. Every period comes from the rule table: ``interview.confirm``, ``interview.hold``,
``interview.followup``.
"""
