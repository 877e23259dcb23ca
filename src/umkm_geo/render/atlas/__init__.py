"""The web atlas: one self-contained, offline HTML page."""
