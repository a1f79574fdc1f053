"""Which source to read, as one value, and how to open it.

:class:`SourceSpec` is what the command line's source options amount to (exactly
one of a workspace, a resource, files, a storage account or the sample, plus how to
connect), and :func:`open_source` turns it into a
:class:`~acs_triage.sources.base.Source`. No network access happens before the
first question is asked.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from acs_triage.errors import UsageError
from acs_triage.masking import quote
from acs_triage.sources.archive.client import StorageTarget
from acs_triage.sources.connection import AuthMethod, Cloud
from acs_triage.sources.exports import InputFormat

if TYPE_CHECKING:
    from azure.core.credentials import TokenCredential

    from acs_triage.sources.base import Source

__all__ = ["ConnectionOptions", "SourceSpec", "open_source"]

#: A Log Analytics workspace id (its "customer id"), as the portal shows it.
_GUID = re.compile(r"[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}")


@dataclass(frozen=True)
class ConnectionOptions:
    """How to reach Log Analytics: cloud or endpoint, token audience, credential, time budget."""

    cloud: Cloud = Cloud.PUBLIC
    endpoint: str | None = None
    audience: str | None = None
    auth: AuthMethod = AuthMethod.DEFAULT
    timeout: float = 300.0  #: seconds for every query of the command, retries included
    retries: int = 3
    #: a ready credential (library use); when set, ``auth`` is not used
    credential: TokenCredential | None = field(default=None, compare=False)


@dataclass(frozen=True)
class SourceSpec:
    """Exactly one of: a workspace (plus additional ones), an ACS resource, files (or
    archive folders), a storage account, the sample."""

    workspace_id: str | None = None
    resource_id: str | None = None
    additional_workspaces: tuple[str, ...] = ()
    files: tuple[str, ...] = ()
    input_format: InputFormat = InputFormat.AUTO
    #: ``dmy`` or ``mdy``: how exported files' ``A/B/YYYY`` dates read (None: decided per file)
    date_order: str | None = None
    sample: bool = False
    connection: ConnectionOptions = ConnectionOptions()
    #: the call-leg table a workspace source reads: ``summary`` (ACSCallSummary) or
    #: ``updates`` (ACSCallSummaryUpdates: sooner, highest version of each leg)
    table: str = "summary"
    #: a storage account a diagnostic setting writes CallSummary records to
    storage: StorageTarget | None = None

    def __post_init__(self) -> None:
        live = bool(self.workspace_id or self.resource_id)
        chosen = sum([self.sample, bool(self.files), live, self.storage is not None])
        if chosen == 0:
            raise UsageError(
                "say which data: --workspace-id, --resource-id, --from-file, --storage-account or --sample"
            )
        if chosen > 1:
            raise UsageError(
                "use one source: --workspace-id/--resource-id, --from-file, --storage-account or --sample"
            )
        if self.workspace_id and self.resource_id:
            raise UsageError("give either --workspace-id or --resource-id, not both")
        if self.workspace_id and not _GUID.fullmatch(self.workspace_id):
            raise UsageError(
                f"--workspace-id {quote(self.workspace_id)} is not a workspace id",
                hint="a GUID such as 00000000-0000-0000-0000-000000000000 (the workspace's Overview page)",
            )
        if self.date_order is not None:
            from acs_triage.sources.exports.datetimes import DATE_ORDERS  # only when asked (startup time)

            if self.date_order not in DATE_ORDERS:
                raise UsageError(
                    f"--date-order must be one of {', '.join(DATE_ORDERS)}, not {self.date_order!r}"
                )
        if self.table != "summary" and not live:
            raise UsageError(
                "--table applies to a workspace or resource; files and storage archives hold the "
                "CallSummary records they hold"
            )

    @property
    def kind(self) -> str:
        """``sample``, ``file``, ``storage`` or ``workspace``."""
        if self.sample:
            return "sample"
        return "file" if self.files else "storage" if self.storage else "workspace"

    def describe(self) -> str:
        """One line naming the data, known before anything is opened."""
        if self.sample:
            return "bundled sample data"
        if self.files:
            return ", ".join(self.files)
        if self.storage is not None:
            return self.storage.describe()
        if self.workspace_id:
            extra = f" (+{len(self.additional_workspaces)} more)" if self.additional_workspaces else ""
            return f"workspace {self.workspace_id}{extra}"
        return f"resource {self.resource_id}"


def open_source(spec: SourceSpec) -> Source:
    """The :class:`Source` ``spec`` names (a workspace source builds its client and
    credential here, without fetching a token)."""
    if spec.sample:
        from acs_triage.sources.sample import sample_source

        return sample_source()
    if spec.files:
        if any(path != "-" and os.path.isdir(path) for path in spec.files):
            from acs_triage.sources.archive.folder import FolderSource

            return FolderSource(spec.files, spec.input_format, date_order=spec.date_order)
        from acs_triage.sources.files import FileSource

        return FileSource(spec.files, spec.input_format, date_order=spec.date_order)
    options = spec.connection
    if spec.storage is not None:
        from acs_triage.sources.archive.client import container_client
        from acs_triage.sources.archive.storage import StorageSource

        client = container_client(
            spec.storage,
            auth=options.auth,
            credential=options.credential,
            timeout=options.timeout,
            retries=options.retries,
        )
        return StorageSource(spec.storage, client)
    from acs_triage.sources.connection import Connection, make_credential
    from acs_triage.sources.workspace import LogsRunner, RunnerOptions, Target, WorkspaceSource

    target = Target(
        workspace_id=spec.workspace_id,
        resource_id=spec.resource_id,
        additional_workspaces=spec.additional_workspaces,
    )
    connection = Connection.for_cloud(options.cloud, options.endpoint, options.audience)
    credential = options.credential or make_credential(options.auth, connection)
    runner = LogsRunner(
        target,
        connection,
        credential,
        RunnerOptions.for_timeout(options.timeout, options.retries, options.auth.value),
    )
    return WorkspaceSource(runner, table=spec.table)
