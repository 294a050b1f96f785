"""Comparisons across years and rounds, breakdowns by office type, region and province."""
