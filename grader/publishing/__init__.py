"""Publishing the course: nbgrader notebooks (`notebooks`, `publish`; `notebook` runs in a published notebook's
kernel), the students' repository (`release`, `packaging`), the Gradescope autograder (`gradescope_bundle`,
`autograder`), the course's texts for translators (`course_messages`) and the files these write (`templates/`)."""
