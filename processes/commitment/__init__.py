"""Commitment review (信用承诺): a subject promises, the promise is published, the department checks it was kept.

Kinds (承诺类型): approval-type — 容缺受理 (a licence application accepted with materials
missing, to be supplied by a due date) and 告知承诺 (certificates replaced by a promise) —
publicly announced (主动公示型), industry self-discipline (行业自律型) and repair-type
(信用修复型). A commitment is registered by the accepting department (窗口登记, usually
行政审批科) or submitted by the subject (主体网上提交); the standard-format letter
(信用承诺书, 格式文本) is generated for signing, the signed copy uploaded, and the
commitment published (信用承诺公示). Missing materials (容缺材料) are tracked against
their due date (补齐期限, rule table ``commitment.supplement``) with a reminder one
working day before; when it passes the case goes to verification flagged as not
supplied. The department's handler verifies (书面核查, 网上核查, 现场核查, 公示核查) within
``commitment.verify``: kept (已履约) is recorded in the subject's credit file with a
核查结果通知书; a breach (违诺) proposed by the handler is confirmed by the reviewer and
creates a dishonesty record (失信记录) with its severity and legal basis, a
违背信用承诺认定书 and a notice to the subject. ``selectors.breaches_for`` gives the
interview and list processes a subject's broken commitments.
"""
