-- CalDAV sync tokens (RFC 6578): each token is the hash of a calendar's manifest (every object
-- name with its ETag) and names the row that keeps that manifest, so a token issued by one
-- instance is understood by every other. Rows are written with ON CONFLICT, so instances that
-- compute the same manifest at once agree; seen_at is the last time the manifest was current,
-- and rows not current for the retention are purged (their tokens then get valid-sync-token).
CREATE TABLE caldav_sync_history (
    calendar text NOT NULL,
    token text NOT NULL,
    manifest bytea NOT NULL,
    seen_at timestamptz NOT NULL,
    PRIMARY KEY (calendar, token)
);

CREATE INDEX caldav_sync_history_seen ON caldav_sync_history (calendar, seen_at);
