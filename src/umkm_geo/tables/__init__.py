"""Users' tables -> validated long frames: counts, joins, groupings, templates, survey inputs."""
