"""The smoke result as a JUnit XML file, for CI test-result reporters.

One ``<testsuite name="acs-triage smoke">`` with one ``<testcase>`` per check
(``classname="acs-triage.smoke"``, ``name`` = the check name, stable across runs):

* pass -> an empty testcase (passed);
* fail -> ``<failure message="..." type="GateFailure">`` (a failed test);
* inconclusive -> ``<skipped message="inconclusive: ...">``;
* skipped -> ``<skipped message="skipped: ...">``;
* error -> ``<error message="..." type="AuthError|QueryError|...">``.

Why inconclusive is ``<skipped>``: Azure Pipelines' PublishTestResults@2 shows it
as *Not executed* (not as a failed test, so an unrelated "tests failed" signal is
not raised), GitHub reporters (dorny/test-reporter, mikepenz/action-junit-report,
EnricoMi/publish-unit-test-result-action) show it as skipped with the message. The
gate's exit code (6) is what stops the pipeline. Each testcase also carries the
observed value, threshold and message in ``<system-out>``.

Written with :mod:`xml.etree.ElementTree`, which escapes ``& < > "``. Every value
is neutralised first (:func:`acs_triage.display.neutralise`): control characters,
line breaks and lone surrogates in a message are shown escaped, so a value never
starts a line of its own, and every character is one XML 1.0 can hold. The file is
written whole or not at all (:func:`acs_triage.atomicfile.write_atomically`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from acs_triage.atomicfile import write_atomically
from acs_triage.display import neutralise
from acs_triage.errors import InputError
from acs_triage.smoke.result import CheckStatus, SmokeResult
from acs_triage.times import iso

__all__ = ["SUITE_NAME", "junit_xml", "write_junit"]

SUITE_NAME = "acs-triage smoke"
CLASS_NAME = "acs-triage.smoke"


def _clean(text: object) -> str:
    """One line of text XML can hold: controls escaped, U+FFFE/U+FFFF (not XML) removed."""
    return neutralise(str(text)).replace("\ufffe", "").replace("\uffff", "")


def junit_xml(result: SmokeResult) -> str:
    """The JUnit document as text (UTF-8 declaration included)."""
    checks = result.checks
    count = {status: sum(c.status is status for c in checks) for status in CheckStatus}
    totals = {
        "tests": str(len(checks)),
        "failures": str(count[CheckStatus.FAIL]),
        "errors": str(count[CheckStatus.ERROR]),
        "skipped": str(count[CheckStatus.SKIPPED] + count[CheckStatus.INCONCLUSIVE]),
        "time": "0",
    }
    root = ET.Element("testsuites", {"name": SUITE_NAME, **totals})
    suite = ET.SubElement(
        root,
        "testsuite",
        {
            "name": SUITE_NAME,
            **totals,
            "timestamp": (iso(result.generated_at) or "").removesuffix("Z"),
        },
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("status", result.status.value),
        ("exit_code", str(int(result.exit_code))),
        ("source", result.source_description),
        ("window_start", iso(result.window.start) or ""),
        ("window_end", iso(result.window.end) or ""),
        ("tool_version", result.tool_version),
    ):
        ET.SubElement(properties, "property", {"name": name, "value": _clean(value)})
    for check in checks:
        case = ET.SubElement(
            suite, "testcase", {"name": _clean(check.name), "classname": CLASS_NAME, "time": "0"}
        )
        message = _clean(check.message)
        if check.status is CheckStatus.FAIL:
            node = ET.SubElement(case, "failure", {"message": message, "type": "GateFailure"})
            node.text = _clean(
                f"observed {check.observed_text}, threshold {check.threshold_text}: {check.message}"
            )
        elif check.status is CheckStatus.ERROR:
            kind = str(check.details.get("error_type") or "Error")
            node = ET.SubElement(case, "error", {"message": message, "type": _clean(kind)})
            node.text = message
        elif check.status in (CheckStatus.INCONCLUSIVE, CheckStatus.SKIPPED):
            ET.SubElement(case, "skipped", {"message": f"{check.status.value}: {message}"})
        out = ET.SubElement(case, "system-out")
        out.text = "".join(
            f"{label}: {_clean(value)}\n"
            for label, value in (
                ("status", check.status.value),
                ("observed", check.observed_text),
                ("threshold", check.threshold_text),
                ("message", check.message),
            )
        )
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=False).join(
        ('<?xml version="1.0" encoding="UTF-8"?>\n', "\n")
    )


def write_junit(result: SmokeResult, path: Path) -> None:
    """Write :func:`junit_xml` to ``path``, whole or not at all (parent directories
    are created); a file that cannot be written is an :class:`InputError`."""
    document = junit_xml(result)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, document)
    except OSError as exc:
        raise InputError(f"cannot write {neutralise(str(path))}: {exc.strerror or exc}") from None
