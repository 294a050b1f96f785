"""The rubric: what a year's assessment asks and how it is scored, loaded and checked from YAML."""
