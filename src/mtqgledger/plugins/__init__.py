"""Beancount plugins of mtqgledger."""
