"""The students' tools beside `grade check`: progress through the course (`progress`, `grade list`), re-checking
on save (`watching`, `grade watch`), pictures of their own functions (`plotting`, `pictures`, `grade plot`) and
what the last check said, for `grade hint` (`last_check`)."""
