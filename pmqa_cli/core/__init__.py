"""The floor every layer stands on: the exception family, findings (problems as data), exact
numbers and the one rounding, Thai calendar conventions, and what the operating system offers."""
