"""One grading run, on the trusted side: pytest and the suites in this process (`runner`, `plugin`), the reference
solutions (`reference`, `memo`), the worker driven over its pipe (`remote`, `deadline`) and started in its sandbox
(`sandbox`) or forked by a batch slot's zygote (`zygote`), student text cleaned of hidden lines (`redact`), and
many submissions in parallel slots (`batch`), journaled so that a batch resumes (`journal`), on a Dask cluster
(`cluster`) or in slices (`shard`). Scores come out as `grader.model.results`."""
