"""Förderlotse: a funding-pilot chat bot for volunteer-run culture in Westfalen-Lippe."""

__version__ = "0.1.0"
