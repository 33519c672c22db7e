"""The staff console: a browser front end to the same operations as `./staff`."""
