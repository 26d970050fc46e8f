-- Public subscriptions are confirmed by a code sent to the address given.
ALTER TABLE recipients ADD COLUMN confirm_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE recipients ADD COLUMN confirm_expires TIMESTAMP;
