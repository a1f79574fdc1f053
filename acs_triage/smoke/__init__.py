"""The CI smoke gate behind ``acs-triage smoke``: is PSTN calling healthy after a change?

Library first: collect a window's data through any source (:mod:`.collect`),
evaluate the checks (:mod:`.checks`) with thresholds from a
:class:`~acs_triage.smoke.config.GateConfig` (:mod:`.config`), then render the
:class:`~acs_triage.smoke.result.SmokeResult` (``acs_triage.formats.smoke_view``),
write JUnit (:mod:`.junit`) and GitHub Actions output (:mod:`.github`). The
regression check's statistics are in :mod:`.stats`. See ``docs/smoke.md``.

The main entry points are also importable from the package root
(``from acs_triage import run_gate, GateConfig``).
"""
