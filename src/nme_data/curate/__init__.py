"""Curator tools: start a copy, normalise it, save frames into it, compare copies, re-ground on a new article.

Each module has one job and imports only the standard library at module level, so `nme-data --help`
stays cheap; pandas is imported only by `save`.
"""
