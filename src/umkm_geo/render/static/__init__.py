"""Static figures (PNG/SVG) drawn with matplotlib: maps, charts, small multiples, FFA diagram."""
