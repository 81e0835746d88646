"""The students' tools beside `grade check`: progress through the course (`progress`, `grade list`), re-checking
on save (`watching`, `grade watch`) and pictures of their own functions (`plotting`, `pictures`, `grade plot`)."""
