"""Where the legs come from: one :class:`~acs_triage.sources.base.Source` seam.

- :mod:`.base`: the :class:`Source` protocol and the shared leg-stream implementation
- :mod:`.spec`: :class:`SourceSpec` (the options as one value) and :func:`open_source`
- :mod:`.workspace`: Log Analytics (transport, rows, source)
- :mod:`.files`, :mod:`.sample`, :mod:`.memory`: exported files, the bundled sample, legs in memory
- :mod:`.exports`: the streaming readers of exported files
- :mod:`.aggregate`: raw legs to the aggregates the workspace queries compute
- :mod:`.connection`: clouds, endpoints and credentials
"""
