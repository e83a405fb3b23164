"""Scheduled work, declared once: ``registry.JOBS`` (name, period setting, function),
run by the web workers' background loop and by ``python -m api run-jobs``
(``loop``); each job's body calls the service owning the rule (``tasks``)."""
