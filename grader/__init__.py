"""Auto-grader for chapter 4 of Deep Learning from Scratch."""
