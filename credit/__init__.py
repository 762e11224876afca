"""The credit data model (信用数据) every process stands on.

Departments (部门) and staff roles, credit subjects (信用主体) with validated
codes (统一社会信用代码, 居民身份证号码), credit records (信用记录) and their
publication (公示), list entries (红黑名单), commitments (信用承诺), interview
records (约谈记录), joint reward/punishment actions (联合奖惩), the credit
information catalogue (信用信息目录), versioned rules (规则版本) and the
working-day calendar (工作日历).
"""
