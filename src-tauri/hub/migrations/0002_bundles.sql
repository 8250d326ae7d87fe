-- Bundles (docs/SYNC.md): each site's Ed25519 public key, issued with its credential by
-- `site add` (the private key is shown once, like the token); events of a bundle that arrived
-- before an earlier one, held until the gap fills; and the record of bundles taken in.

ALTER TABLE sites ADD COLUMN public_key TEXT UNIQUE CHECK (public_key IS NULL OR length(public_key) = 64);

CREATE TABLE held_events (
    site_id   TEXT NOT NULL,
    site_seq  BIGINT NOT NULL,
    event_id  TEXT NOT NULL,
    event     TEXT NOT NULL,
    held_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (site_id, site_seq, event_id)
);

CREATE TABLE bundle_imports (
    id           BIGSERIAL PRIMARY KEY,
    bundle_id    TEXT NOT NULL,
    signer       TEXT NOT NULL REFERENCES sites (id),
    events       BIGINT NOT NULL,
    stored       BIGINT NOT NULL,
    held         BIGINT NOT NULL,
    ignored      BIGINT NOT NULL,
    imported_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
