"""An auto-grader for Python exercises: a course (course.yaml) of stubs, reference solutions and public and hidden
suites, graded with student code in a sandboxed worker. The packages say the architecture: see README.md."""
