"""`grade worker`: serve a Dask scheduler as grading worker processes, for `grade batch --cluster tcp://…`."""

from __future__ import annotations

import os
import sys

import click

from grader.commands import lang_option
from grader.core.errors import GradingError
from grader.core.i18n import _
from grader.grading.runner import ISOLATION_VARIABLE


@click.command()
@click.option("--scheduler", required=True, metavar="tcp://HOST:PORT", help="The Dask scheduler to serve.")
@click.option(
    "--nworkers",
    type=click.IntRange(min=1),
    default=os.cpu_count() or 1,
    show_default="all cores",
    help="Worker processes, each with one grading slot.",
)
@lang_option
def worker(scheduler: str, nworkers: int) -> None:
    """Start Dask worker processes for the scheduler at --scheduler, each holding one long-lived grading slot
    (the suites loaded once, a fresh sandbox for every submission).

    Refuses to start where namespace isolation cannot run: a cluster grades untrusted code for strangers.
    """
    from grader.grading.sandbox import namespace_problem

    problem = namespace_problem()
    if problem is not None:
        raise GradingError(
            _("a grading worker needs namespace isolation, which cannot run here: {reason}").format(reason=problem)
        )
    try:
        import distributed  # noqa: F401  (only to know that it is there)
    except ImportError:
        raise GradingError(_("--cluster needs Dask: pip install 'dlfs-ch4-grader[cluster]'")) from None
    os.environ[ISOLATION_VARIABLE] = "namespace"  # what the slots use unless a batch asks otherwise
    command = ["-m", "distributed.cli.dask_worker", scheduler, "--nthreads", "1", "--nworkers", str(nworkers)]
    command += ["--memory-limit", "0", "--no-dashboard"]
    os.execv(sys.executable, [sys.executable, *command])
