-- The hub's order as a chain (docs/SYNC.md, "A hub restored from a backup"): each event's
-- `chain` is SHA-256 over the previous event's chain (32 bytes; zeros before the first) and
-- its own hash (hex text), in server_seq order; hub_counter keeps the last. It is extended in
-- the push transaction, under the counter row's lock, like the numbers. A site keeps the value
-- at its cursor and sends it with its pull: a hub restored from a backup that has since given
-- the same numbers to other events has another value there, and the site pulls again from the
-- start instead of passing over them. (core::sync::chain_next computes the same.)
ALTER TABLE hub_counter ADD COLUMN chain TEXT NOT NULL
    DEFAULT '0000000000000000000000000000000000000000000000000000000000000000';
ALTER TABLE events ADD COLUMN chain TEXT;

DO $$
DECLARE
    h bytea := decode(repeat('00', 32), 'hex');
    r record;
BEGIN
    FOR r IN SELECT server_seq, hash FROM events ORDER BY server_seq LOOP
        h := sha256(h || convert_to(r.hash, 'UTF8'));
        UPDATE events SET chain = encode(h, 'hex') WHERE server_seq = r.server_seq;
    END LOOP;
    UPDATE hub_counter SET chain = encode(h, 'hex') WHERE id = 1;
END
$$;

ALTER TABLE events ALTER COLUMN chain SET NOT NULL;
