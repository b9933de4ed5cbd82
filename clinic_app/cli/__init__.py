"""The `clinic-app` command line: every vault operation, scriptable, with stable exit codes."""
