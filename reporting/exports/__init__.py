"""Pseudonymised, labelled research exports (issue 6): codebook, rows, writers and the zip."""
