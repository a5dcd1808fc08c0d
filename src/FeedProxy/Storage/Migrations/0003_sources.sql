-- Live upstream sources (one per event) and their refresh state. No foreign key to events: a
-- source may be declared before its first fetch creates the event. Several instances share
-- the table; a refresh claims a due row (FOR UPDATE SKIP LOCKED, then a lease in claimed_until)
-- so each source is fetched by exactly one instance per interval. `headers` holds secrets
-- (Authorization): the admin read selects only their names.

CREATE TABLE event_sources (
    event_id        text PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('openevent', 'schedule', 'ics', 'feed')),
    url             text NOT NULL,
    refresh_seconds integer NOT NULL CHECK (refresh_seconds > 0),
    time_zone       text,
    headers         jsonb NOT NULL DEFAULT '{}'::jsonb,
    -- Bumped when the definition changes; a refresh of an older one cannot overwrite the state.
    generation      bigint NOT NULL DEFAULT 1,
    next_due        timestamptz NOT NULL DEFAULT now(),
    claimed_until   timestamptz,
    failures        integer NOT NULL DEFAULT 0,
    last_attempt    timestamptz,
    last_success    timestamptz,
    last_change     timestamptz,
    last_error      text,
    last_result     text,
    etag            text,
    last_modified   text,
    body_hash       text
);

CREATE INDEX event_sources_due ON event_sources (next_due);
