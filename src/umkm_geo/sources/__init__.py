"""Sources: pinned public boundary data and users' own boundary files."""
