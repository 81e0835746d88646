"""The data the grader reads and writes: the course (`course`: course.yaml as a checked, typed model) and the
grades of one submission (`results`). Plain data with no behaviour beyond checking itself; everything above
reads it."""
