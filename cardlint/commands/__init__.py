"""Click commands that live outside cli.py; cli.py imports each lazily through its LAZY_COMMANDS table."""
