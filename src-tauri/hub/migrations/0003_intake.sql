-- The online intake channel (§三(一)2): the company's website, WeChat account and app back ends
-- submit complaints with a credential of their own. Each submission becomes a case recorded by
-- the hub's intake site (a site like any branch, whose database the hub keeps) and reaches the
-- responsible branch at its next sync.

CREATE TABLE intake_clients (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    -- A code of the channel list: website, wechat or app.
    channel       TEXT NOT NULL CHECK (channel IN ('website', 'wechat', 'app')),
    -- SHA-256 of the client's token; the token itself is shown once, at `intake add`.
    token_sha256  TEXT NOT NULL UNIQUE,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- What each submission became, by the submitter's own id: a retried submission gets the same
-- case back instead of a second one.
CREATE TABLE intake_submissions (
    client_id     TEXT NOT NULL REFERENCES intake_clients (id),
    external_id   TEXT NOT NULL,
    case_id       TEXT NOT NULL,
    receipt       TEXT NOT NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (client_id, external_id)
);
