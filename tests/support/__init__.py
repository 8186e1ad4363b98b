"""Helpers the tests share: builders, budgets and waits.

Test modules import from here, never from each other.
"""
