-- Recipients found by an address (SMS STOP, unsubscribe, push endpoint renewal) without
-- reading every recipient of the mode. Partial: most recipients have no e-mail or endpoint, and
-- a forgotten recipient has no address at all. The endpoint (webhook_url, also a push or CBC
-- endpoint) is indexed by its first 200 characters: URLs have no length limit, and an index
-- entry must stay small (PostgreSQL refuses B-tree entries over about 2.7 kB); the query
-- compares the prefix, then the whole address.
CREATE INDEX recipients_phone ON recipients(phone, mode) WHERE phone <> '';
CREATE INDEX recipients_email ON recipients(email, mode) WHERE email <> '';
CREATE INDEX recipients_endpoint ON recipients(substr(webhook_url, 1, 200), mode) WHERE webhook_url <> '';
