"""pmqa's commands, one module each: parse the options, call the library, render, exit.

The library and the renderer are imported inside each command (they bring in pydantic, rich,
openpyxl), so that ``pmqa --help`` imports none of them.
"""
