"""Statistics from the database: the items behind each figure (``items``, ``screened``), counting a day
(``counting.count_day``), the daily-figures table (``daily``), live figures for ``/metrics`` (``live``) and the
lists behind the dashboard's numbers (``drill``). The figures' model and rules are ``qinglang.statistics``."""
