"""--shard I/N: the I-th of N stable slices of a batch, for array schedulers (a GitHub Actions matrix, Slurm job
arrays). A submission's slice depends on its name only, so it stays the same whatever else is in the batch.

`python -m grader.grading.shard I/N FILE` prints the lines of FILE (students.txt: owner/name) whose submissions fall in
slice I; a repository owner/name is graded under the name owner--name.
"""

from __future__ import annotations

import hashlib
import sys

from grader.core.errors import GradingError
from grader.core.i18n import _


def parse_shard(text: str) -> tuple[int, int]:
    """I/N as (I, N), 1 <= I <= N; anything else is a GradingError saying what is expected."""
    index, _slash, count = text.partition("/")
    if not (index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        raise GradingError(_("--shard {value}: expected I/N with 1 <= I <= N, e.g. 3/40").format(value=text))
    return int(index), int(count)


def in_shard(name: str, shard: tuple[int, int]) -> bool:
    """True when the submission called NAME is in the slice SHARD."""
    index, count = shard
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big") % count == index - 1


def repository_name(line: str) -> str:
    """The submission name of a students.txt line owner/name: owner--name."""
    return line.strip().replace("/", "--")


def main(argv: list[str]) -> None:
    shard = parse_shard(argv[1])
    with open(argv[2], encoding="utf-8") as students:
        for line in students:
            if line.strip() and not line.lstrip().startswith("#") and in_shard(repository_name(line), shard):
                print(line.strip())


if __name__ == "__main__":
    main(sys.argv)
