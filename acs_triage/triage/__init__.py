"""The triage engine: aggregates in, one explained report out (:mod:`.engine`,
:mod:`.report`), and leg-level reports for ``call`` and ``legs`` (:mod:`.legs`)."""
