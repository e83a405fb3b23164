"""好差评: ratings, work orders, appeals, statistics, outbox."""
