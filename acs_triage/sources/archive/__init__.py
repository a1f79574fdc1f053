"""Storage archives of diagnostic records: what a diagnostic setting writes when it
sends the CallSummary category to a storage account.

- :mod:`.layout`: the blob naming convention and the hours a window needs
- :mod:`.source`: :class:`~.source.ArchiveSource`, reading only those hours' blobs
- :mod:`.folder`: an archive copied to disk (a folder given to ``--from-file``)
- :mod:`.storage`: the storage account itself (``--storage-account``), with
  :mod:`.client` (account, container, credentials), :mod:`.download` (bounded
  streaming) and :mod:`.faults` (errors and exit codes)
- :mod:`.tally`: the per-resource figures of the report

The records themselves are read by :mod:`acs_triage.sources.exports.diagnostic`.
Nothing here imports the Azure SDK until a storage account is opened.
"""
