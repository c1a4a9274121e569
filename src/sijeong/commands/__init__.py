"""Subcommands of the ``sijeong`` command line, one module each."""
