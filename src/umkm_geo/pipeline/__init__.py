"""The ``maps`` pipeline: stages (StudyArea -> StudyArea), the run and its output set."""
