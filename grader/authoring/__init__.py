"""Writing a course: solutions with markers become the students' stubs (`markers`), and the suites are proved
against the reference, the stubs and the known mistakes in tests/mutants/ (`validate`)."""
