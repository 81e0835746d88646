"""The `grade` command: a Click group whose commands load lazily, so that `grade check` pays only for itself."""

from __future__ import annotations

import importlib
import os
import sys

import click

from grader.core.errors import GradingError

EXIT_INTERRUPTED = 130  # as a shell reports a command ended by Ctrl+C (128 + SIGINT)

COMMANDS = {
    "batch": "grader.commands.batch:batch",
    "check": "grader.commands.check:check",
    "gradescope": "grader.commands.gradescope:gradescope",
    "hint": "grader.commands.hint:hint",
    "list": "grader.commands.list:list_exercises",
    "merge": "grader.commands.merge:merge",
    "new": "grader.commands.new:new",
    "plot": "grader.commands.plot:plot",
    "publish": "grader.commands.publish:publish",
    "release": "grader.commands.release:release",
    "stubs": "grader.commands.stubs:stubs",
    "validate": "grader.commands.validate:validate",
    "watch": "grader.commands.watch:watch",
    "worker": "grader.commands.worker:worker",
}


class GradeGroup(click.Group):
    """Loads each command on first use, and turns every failure into one line on stderr."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, _, attribute = COMMANDS[name].partition(":")
        return getattr(importlib.import_module(module), attribute)

    def invoke(self, ctx: click.Context):
        from grader.core import i18n
        from grader.core.i18n import _

        i18n.use(None)  # the environment's language, until a command's --lang says otherwise
        try:
            return super().invoke(ctx)
        except GradingError as exc:
            click.echo(_("grade: error: {error}").format(error=exc), err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo(_("grade: interrupted"), err=True)
            sys.exit(EXIT_INTERRUPTED)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as exc:
            if os.environ.get("GRADE_DEBUG"):
                raise
            click.echo(
                _("grade: internal error: {error} (set GRADE_DEBUG=1 for details)").format(
                    error=f"{type(exc).__name__}: {exc}"
                ),
                err=True,
            )
            sys.exit(3)


@click.group(cls=GradeGroup)
@click.version_option(package_name="dlfs-ch4-grader")
def cli() -> None:
    """Auto-graded Python exercises: check, list, watch, plot and hint for students; the rest for instructors."""


def main() -> None:
    from grader.core.terminal import never_fail_to_encode

    never_fail_to_encode()
    cli(prog_name="grade")
