"""Förderfinder and Förderrechner: which programmes fit, and what a project would get."""
