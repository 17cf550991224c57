"""`python -m briefgen` runs the CLI.

Ctrl-C while Python is still loading the CLI (click and the commands, a few tens of ms)
exits 130 like a Ctrl-C later on, instead of printing an import traceback.
"""

import sys


def main() -> None:
    """Load the CLI and run it; the console script `briefgen` comes in here too."""
    try:
        from briefgen.cli import interrupted, was_interrupted
        from briefgen.cli import main as run
    except (KeyboardInterrupt, Exception) as error:  # 3.11 may wrap it, see was_interrupted
        if not _interrupt_in(error):
            raise
        sys.stderr.write("interrupted\n")
        exec("", {})  # see briefgen.cli.interrupted: else `python -m` ends by SIGINT, not 130
        sys.exit(130)
    try:
        run()
    except (KeyboardInterrupt, Exception) as error:  # before the CLI's own handler
        if not was_interrupted(error):
            raise
        interrupted()


def _interrupt_in(error: BaseException) -> bool:
    """True when ERROR is a Ctrl-C, or was raised because of one (briefgen.cli is not
    loaded here to ask its `was_interrupted`)."""
    seen: BaseException | None = error
    while seen is not None and not isinstance(seen, KeyboardInterrupt):
        seen = seen.__cause__ or seen.__context__
    return seen is not None


if __name__ == "__main__":
    main()
