"""A credential that could not get a token, said for the ``--auth`` method chosen.

azure-identity's messages are long and generic ("run 'az login'" whatever the
method). :func:`credential_error` keeps what each credential said, one line per
credential tried (``--auth default`` tries several), each with the hint that fits it.
"""

from __future__ import annotations

import re

from acs_triage.errors import AuthError

__all__ = ["HINTS", "credential_error"]

#: What to do when a credential is unavailable, by azure-identity class name.
HINTS = {
    "AzureCliCredential": "install the Azure CLI and run 'az login'",
    "EnvironmentCredential": "set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET or "
    "AZURE_CLIENT_CERTIFICATE_PATH",
    "ManagedIdentityCredential": "run on an Azure resource with a managed identity; AZURE_CLIENT_ID "
    "names a user-assigned one",
    "WorkloadIdentityCredential": "set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE, "
    "as Kubernetes workload identity and azure/login with OIDC do",
    "SharedTokenCacheCredential": "sign in with a tool that shares the token cache, or choose --auth cli",
    "VisualStudioCodeCredential": "sign in to Azure in VS Code, or choose --auth cli",
    "AzurePowerShellCredential": "run Connect-AzAccount, or choose --auth cli",
    "AzureDeveloperCliCredential": "run 'azd auth login', or choose --auth cli",
    "InteractiveBrowserCredential": "not used by acs-triage",
}
#: The credential class each ``--auth`` value uses alone.
_METHOD_CLASS = {
    "cli": "AzureCliCredential",
    "env": "EnvironmentCredential",
    "managed-identity": "ManagedIdentityCredential",
    "workload-identity": "WorkloadIdentityCredential",
}
_ATTEMPT = re.compile(r"^\s*(\w+Credential): (.*)$")
_NOISE = re.compile(
    r"\s*(Visit|See|To mitigate|Please visit|For more information)\b.*$|\s*https?://\S+\.?", re.IGNORECASE
)


def _short(text: str) -> str:
    """The first sentence of a credential's message, without links and boilerplate."""
    text = " ".join(_NOISE.sub("", " ".join(text.split())).split())
    text = re.sub(r"^\w+Credential authentication unavailable\.\s*", "", text)
    first = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0].rstrip(".")
    return first[:160] or "unavailable"


def credential_error(method: str, message: str) -> AuthError:
    """The error for ``--auth method`` whose credential(s) said ``message``."""
    attempts = [m.groups() for m in map(_ATTEMPT.match, message.splitlines()) if m]
    if method in _METHOD_CLASS or not attempts:
        name = _METHOD_CLASS.get(method, "DefaultAzureCredential")
        reason = _short(_ATTEMPT.sub(r"\2", message.splitlines()[0] if message else ""))
        if "not found on path" in message.lower():
            reason = "the Azure CLI (az) is not on PATH"
        elif "az login" in message.lower():
            reason = "the Azure CLI is not signed in"
        elif reason == "unavailable" and name == "ManagedIdentityCredential":
            reason = "no managed identity endpoint answered here"
        hint = HINTS.get(name, "choose another --auth method")
        return AuthError(f"--auth {method}: {name} could not get a token: {reason}", hint=hint)
    details = tuple(
        f"{name}: {_short(said)}; {HINTS.get(name, 'see the Azure Identity docs')}" for name, said in attempts
    )
    return AuthError(
        f"--auth {method}: none of the {len(details)} credentials tried could get a token",
        hint="one line per credential below; --auth names the one you mean",
        details=details,
    )
