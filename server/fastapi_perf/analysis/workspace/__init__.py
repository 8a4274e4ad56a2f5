"""Layer 5: the other files of the project, in summary: the index, its summaries, their lazily computed facts."""
