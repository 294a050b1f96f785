"""Workbooks on disk: the safe xlsx reader, the submission layout, templates, samples, writing."""
