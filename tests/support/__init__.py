"""Shared test helpers: target loading, the fake clock, Redis fixtures, command recording."""
