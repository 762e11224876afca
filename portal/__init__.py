"""The subject portal (信用主体门户): choose the subject one acts for, see its records and cases.

An interface over the processes: each process contributes its own portal pages
(filing, following a case); this app holds the home page that ties them together.
"""
