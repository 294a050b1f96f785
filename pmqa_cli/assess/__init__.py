"""From cells to scores: normalising what people type, findings, reading a submission, scoring
it, and scoring many in a batch."""
