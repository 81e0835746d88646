"""The untrusted side: the worker process that imports and calls student code (`worker`), the plain-data wire between
it and the grader (`wire`), what it applies to itself before student code runs (`limits`, `seccomp`), and the
zygote that forks it into a sandbox of its own in a batch slot (`zygote`). It imports nothing from the trusted side
— only `grader.core` — and the import contracts in pyproject.toml keep it so (`lint-imports`)."""
