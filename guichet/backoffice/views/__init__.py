"""Back-office views, split by topic: the queue, search, one ticket, a new ticket, knowledge."""
