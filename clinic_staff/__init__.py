"""What clinic staff run (`./staff`): FAQ checks, publishing, reports, call-backs, flags, retention."""
