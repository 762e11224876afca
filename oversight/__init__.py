"""Oversight (统计督办与月报): what the credit office (法规科) and the leaders see of all the work.

A reporting interface over everything else: open cases by process, department
and step (在办案件), deadlines passed or close (超期、临期), handling times
(办理时长, average and 90th percentile), the 7-day publication rate of licences
and penalties (双公示 7天合格率), data quality (数据质量: records with at least
60 % of their indicator fields filled) and the monthly report to the province
(月度报告, PDF through ``documents`` and Excel).

It reads ``credit``, ``documents`` and ``processes.common``, and every process's
cases generically through viewflow's ``Process`` rows; no process imports it.
"""
