"""``python -m acs_triage`` runs the CLI."""

from acs_triage.cli.app import main

if __name__ == "__main__":
    main()
