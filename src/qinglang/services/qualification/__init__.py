"""Qualification and grading with storage: operators and their keyed identity records, licences and their
verification (compare-and-set on a version, like cases), the qualification standing of accounts (restricted and
lifted through the one action path), account credit with history, and content quality assessments.

The rules are the pure core's (:mod:`qinglang.qualification`, :mod:`qinglang.grading`); these modules read what the
rules need, ask them, and persist the answer with its audit events in the caller's transaction."""
