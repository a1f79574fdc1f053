"""The ``acs-triage`` command line: a thin layer over the library."""
