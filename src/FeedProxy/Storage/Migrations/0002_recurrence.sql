-- Recurring sessions (RFC 5545 RRULE, RDATE, EXDATE, RECURRENCE-ID). The recurrence is kept
-- as one document in the "recurrence" shape of the JSON event format (docs/event-format.md):
-- it is read and written whole, never queried by part, and its overrides are partial session
-- objects. NULL for a one-off session.
ALTER TABLE sessions ADD COLUMN recurrence jsonb;

-- A changed rule, date or override is a change subscribers see: SEQUENCE must grow
-- (RFC 5545 §3.8.7.4). Same function as in 0001, with recurrence in the compared row.
-- jsonb compares by value (key order and whitespace do not matter).
CREATE OR REPLACE FUNCTION sessions_before_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.title, NEW.subtitle, NEW.abstract, NEW.start_at, NEW.end_at, NEW.state, NEW.track_id,
        NEW.room_id, NEW.type, NEW.language, NEW.url, NEW.image_url, NEW.stream_url,
        NEW.video_url, NEW.slides_url, NEW.recurrence)
       IS DISTINCT FROM
       (OLD.title, OLD.subtitle, OLD.abstract, OLD.start_at, OLD.end_at, OLD.state, OLD.track_id,
        OLD.room_id, OLD.type, OLD.language, OLD.url, OLD.image_url, OLD.stream_url,
        OLD.video_url, OLD.slides_url, OLD.recurrence)
       AND OLD.created_xact <> txid_current()
    THEN
        NEW.revision := OLD.revision + 1;
        NEW.last_modified := now();
    END IF;
    RETURN NEW;
END $$;
