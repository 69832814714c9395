-- Evaluation reads one employee's events in time order; this index serves that without a sort.
CREATE INDEX ix_events_actor_time ON events (actor, occurred_at, seq);
