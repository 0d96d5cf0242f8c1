"""Transports: each turns platform events into the core's model and renders replies."""
