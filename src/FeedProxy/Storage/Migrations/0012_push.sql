-- Push: WebSub subscriptions, webhooks, one durable delivery queue for both, and the
-- tombstones behind "410 Gone" for deleted events and collections.

-- A deleted public event or collection: its feed URLs answer 410 until the retention ends,
-- or until one with the same id is created again. Private ones never get a row.
CREATE TABLE push_tombstones (
    kind       text NOT NULL CHECK (kind IN ('event', 'collection')),
    id         text NOT NULL,
    deleted_at timestamptz NOT NULL,
    PRIMARY KEY (kind, id)
);

-- WebSub (W3C Recommendation, section 5.1): one row per verified (topic, callback).
-- topic_kind/topic_id say which stored thing the topic URL shows, for matching changes.
CREATE TABLE push_subscriptions (
    id            bigserial PRIMARY KEY,
    topic         text NOT NULL,
    topic_kind    text NOT NULL,
    topic_id      text NOT NULL,
    callback      text NOT NULL,
    callback_host text NOT NULL,
    secret        text,
    expires_at    timestamptz NOT NULL,
    created_at    timestamptz NOT NULL,
    UNIQUE (topic, callback)
);

CREATE INDEX push_subscriptions_topic ON push_subscriptions (topic_kind, topic_id);

-- Standard Webhooks endpoints; the secret is returned once, at creation.
CREATE TABLE push_webhooks (
    id            text PRIMARY KEY,
    url           text NOT NULL,
    events        text[] NOT NULL,
    collections   text[] NOT NULL,
    secret        text NOT NULL,
    created_at    timestamptz NOT NULL,
    last_attempt  timestamptz,
    last_success  timestamptz,
    last_error    text,
    failures      integer NOT NULL DEFAULT 0
);

-- The delivery queue. The unique key makes enqueueing idempotent, so every instance may
-- enqueue what it heard and each change still reaches each target once; workers claim due
-- rows with FOR UPDATE SKIP LOCKED and hold a lease while sending.
CREATE TABLE push_deliveries (
    id              bigserial PRIMARY KEY,
    target_kind     text NOT NULL CHECK (target_kind IN ('websub', 'webhook')),
    target_id       text NOT NULL,
    dedup_key       text NOT NULL,
    message_id      text NOT NULL,
    payload         text,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    lease_until     timestamptz,
    state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    last_error      text,
    created_at      timestamptz NOT NULL,
    UNIQUE (target_kind, target_id, dedup_key)
);

CREATE INDEX push_deliveries_due ON push_deliveries (next_attempt_at) WHERE state = 'pending';
