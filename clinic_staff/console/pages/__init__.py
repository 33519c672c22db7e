"""One module per page of the console; each has `routes`."""
