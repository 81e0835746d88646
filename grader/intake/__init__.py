"""What comes in: a submission as a directory of modules, however it was handed in (modules, notebooks,
zip files, nbgrader's `submitted/` tree), in `submissions`."""
