"""Renderers: static maps (:mod:`.static`) and the offline web atlas (:mod:`.interactive`)."""
