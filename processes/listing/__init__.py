"""Red/black list designation and removal (红黑名单认定与移出), the joint punishment check, disclosure.

Designation (列入名单): a department's handler (承办人) proposes listing a subject on the
red list (守信激励), the black list (严重失信主体) or the focus list (重点关注名单), naming
the designation standard (认定标准), the facts and the measures (惩戒/激励措施). The
subject receives a pre-notice (列入名单告知书: reasons, basis, its rights) and has an
objection window (异议期) in working days from the rule table. An objection resting on
the basis record (依据记录) runs through the objection process (异议处理) and the
designation waits for its result; an objection with no basis record is recorded on the
case for the leader to answer. The designating department's leader (负责人) then
decides: a listing decision (列入名单决定书) lists, publishes and shares the entry, or a
decision not to list withdraws it.

Removal (移出名单): when the listing period ends (a beat job), when the basis record is
repaired (信用修复), on a court ruling (司法裁判) or an error (认定错误) shown by evidence,
or — red list — when the subject no longer qualifies (不再符合条件). The designating
department's reviewer (审核人) reviews and decides; a removal decision (移出名单决定书)
ends publication and the platforms are told.

The joint punishment check (逢批必查、逢办必查): other systems of the bureau ask, by a
subject's code and with their own token, which lists it is on, which measures apply and
which serious penalty records are still published; every check is logged (核查日志).
The monthly joint reward/punishment effectiveness list (联合奖惩成效清单) is exported by
staff; the current red and black lists are public (信用信息公示).
"""
