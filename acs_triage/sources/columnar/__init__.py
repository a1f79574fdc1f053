"""The columnar engine: large CSV exports triaged by DuckDB, with the reference reader's answers.

:class:`~acs_triage.sources.files.FileSource` hands CSV exports of at least
:data:`~acs_triage.sources.files.COLUMNAR_MIN_BYTES` to this engine. Python still reads
the head of each file (:mod:`.plan`: byte-order mark, ``sep=,``, the header and its
``[UTC]`` suffixes, the date style of the first row) and passes DuckDB an explicit
dialect; one scan then computes every aggregate of a window (:mod:`.sql`), and Python
rebuilds the reference figures from them (:mod:`.results`). The same scan proves that
no row needs the reference reader; when one does (a rejected row, a value SQL does not
read exactly as Python does), or when DuckDB refuses the file, the engine answers None
and the reference reader (:mod:`acs_triage.sources.exports` and
:mod:`acs_triage.sources.aggregate`) reads the files, so every rejection keeps its line
and reason. :mod:`.engine` runs DuckDB, which is imported only there, on first use.

Modules: :mod:`.plan` (sniffing), :mod:`.sql` (the queries), :mod:`.results` (result rows
to a :class:`~acs_triage.records.TriageInput`), :mod:`.engine` (DuckDB, the questions).
"""
