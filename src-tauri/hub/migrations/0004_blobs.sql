-- Evidence files (and issued PDFs) the sites sent, by SHA-256: the files themselves are in the
-- hub's blob store (a folder, or an object store behind the same trait); this is what the hub
-- knows of them. A row is written only after its file was stored and checked against its hash.

CREATE TABLE blobs (
    sha256       TEXT PRIMARY KEY CHECK (length(sha256) = 64),
    size         BIGINT NOT NULL CHECK (size >= 0),
    -- The hub's id of the site that sent it first (a bundle's signer, for a bundle).
    sent_by      TEXT REFERENCES sites (id),
    received_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
