"""From an office's workbook to its scores: read the answers, validate them, score them exactly
and build the one scored-office object every output renders; gather a batch of them."""
