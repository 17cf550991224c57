"""`python -m briefgen` runs the CLI.

Ctrl-C while Python is still loading the CLI (click and the commands, a few tens of ms)
exits 130 like a Ctrl-C later on, instead of printing an import traceback.
"""

import sys


def main() -> None:
    """Load the CLI and run it; the console script `briefgen` comes in here too."""
    try:
        from briefgen.cli import interrupted
        from briefgen.cli import main as run
    except KeyboardInterrupt:
        sys.stderr.write("interrupted\n")
        exec("", {})  # see briefgen.cli.interrupted: else `python -m` ends by SIGINT, not 130
        sys.exit(130)
    try:
        run()
    except KeyboardInterrupt:  # between the import and the CLI's own handler
        interrupted()


if __name__ == "__main__":
    main()
