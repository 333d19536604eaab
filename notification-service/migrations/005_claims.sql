-- Several instances consume side by side, and a partition can move while its handler still works.
-- A pending delivery is sent only by the instance that claimed it: claimed_by, until lease_until.
-- A claim that lapsed (its instance died or stalled) may be taken by another.
ALTER TABLE deliveries ADD COLUMN claimed_by text;
ALTER TABLE deliveries ADD COLUMN lease_until timestamptz;

-- A parked event is replayed by one release at a time, under the same kind of lease.
ALTER TABLE awaiting_customer ADD COLUMN claimed_by text;
ALTER TABLE awaiting_customer ADD COLUMN lease_until timestamptz;
