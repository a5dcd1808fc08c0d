-- Collections (several events served as one feed) and the change log behind the change feeds.

CREATE SEQUENCE collection_version_seq;

-- A collection's definition is one JSON document (the admin API's body, validated by the
-- application); version moves whenever it changes, so feed cache keys change with it.
CREATE TABLE collections (
    id            text PRIMARY KEY,
    definition    jsonb NOT NULL,
    private_token text UNIQUE,
    last_modified timestamptz NOT NULL DEFAULT now(),
    version       bigint NOT NULL DEFAULT nextval('collection_version_seq')
);

-- Which transaction created an event: sessions stored together with a new event are its
-- first schedule, not "added" news (rows existing before this migration get its xact).
ALTER TABLE events ADD COLUMN created_xact bigint NOT NULL DEFAULT txid_current();

-- One row per change a subscriber cares about. Written by the triggers below, so every
-- writer (admin API, import, upstream refresh) is covered, in the transaction of the change.
-- Changes within one transaction merge into one row per (session, kind): the first old
-- values and the last new ones.
CREATE TABLE session_changes (
    id           bigserial PRIMARY KEY,
    xact         bigint NOT NULL DEFAULT txid_current(),
    event_id     text NOT NULL,
    session_id   text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('added', 'cancelled', 'moved', 'retitled', 'speakers')),
    title        text NOT NULL,
    old_title    text,
    old_start    timestamptz,
    old_end      timestamptz,
    old_room     text,
    new_start    timestamptz,
    new_end      timestamptz,
    new_room     text,
    old_speakers text,
    new_speakers text,
    detected_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (xact, event_id, session_id, kind)
);

CREATE INDEX session_changes_event ON session_changes (event_id, detected_at DESC);
CREATE INDEX session_changes_detected ON session_changes (detected_at);

-- Only accepted and confirmed sessions are public: changes that only touch others never
-- reach the log (no hint of drafts, pending, rejected or withdrawn sessions).
CREATE FUNCTION session_is_public(state text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT state IN ('accepted', 'confirmed');
$$;

CREATE FUNCTION room_name(p_event text, p_room text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT name FROM rooms WHERE event_id = p_event AND id = p_room;
$$;

CREATE FUNCTION session_speaker_names(p_event text, p_session text) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT string_agg(sp.name, ', ' ORDER BY l.ordinal, sp.name)
    FROM session_speakers l JOIN speakers sp ON sp.event_id = l.event_id AND sp.id = l.speaker_id
    WHERE l.event_id = p_event AND l.session_id = p_session;
$$;

CREATE FUNCTION log_session_change(
    p_event text, p_session text, p_kind text, p_title text, p_old_title text,
    p_old_start timestamptz, p_old_end timestamptz, p_old_room text,
    p_new_start timestamptz, p_new_end timestamptz, p_new_room text,
    p_old_speakers text, p_new_speakers text) RETURNS void LANGUAGE sql AS $$
    INSERT INTO session_changes (event_id, session_id, kind, title, old_title, old_start, old_end, old_room,
                                 new_start, new_end, new_room, old_speakers, new_speakers)
    VALUES (p_event, p_session, p_kind, p_title, p_old_title, p_old_start, p_old_end, p_old_room,
            p_new_start, p_new_end, p_new_room, p_old_speakers, p_new_speakers)
    ON CONFLICT (xact, event_id, session_id, kind) DO UPDATE
        SET title = EXCLUDED.title, new_start = EXCLUDED.new_start, new_end = EXCLUDED.new_end,
            new_room = EXCLUDED.new_room, new_speakers = EXCLUDED.new_speakers;
$$;

-- True while the event exists and was not created by the running transaction.
CREATE FUNCTION event_is_established(p_event text) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM events WHERE id = p_event AND created_xact <> txid_current());
$$;

CREATE FUNCTION sessions_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_room text;
    new_room text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF session_is_public(NEW.state) AND event_is_established(NEW.event_id) THEN
            PERFORM log_session_change(NEW.event_id, NEW.id, 'added', NEW.title, NULL, NULL, NULL, NULL,
                NEW.start_at, NEW.end_at, room_name(NEW.event_id, NEW.room_id), NULL, NULL);
        END IF;
        RETURN NULL;
    END IF;

    IF TG_OP = 'DELETE' THEN
        -- Deleting the whole event cascades here after its row is gone: no news for that.
        IF session_is_public(OLD.state) AND event_is_established(OLD.event_id) THEN
            PERFORM log_session_change(OLD.event_id, OLD.id, 'cancelled', OLD.title, NULL,
                OLD.start_at, OLD.end_at, room_name(OLD.event_id, OLD.room_id), NULL, NULL, NULL, NULL, NULL);
        END IF;
        RETURN NULL;
    END IF;

    IF NOT event_is_established(NEW.event_id) THEN
        RETURN NULL;
    END IF;

    IF session_is_public(OLD.state) AND NOT session_is_public(NEW.state) THEN
        PERFORM log_session_change(NEW.event_id, NEW.id, 'cancelled', OLD.title, NULL,
            OLD.start_at, OLD.end_at, room_name(OLD.event_id, OLD.room_id), NULL, NULL, NULL, NULL, NULL);
    ELSIF NOT session_is_public(OLD.state) AND session_is_public(NEW.state) THEN
        PERFORM log_session_change(NEW.event_id, NEW.id, 'added', NEW.title, NULL, NULL, NULL, NULL,
            NEW.start_at, NEW.end_at, room_name(NEW.event_id, NEW.room_id), NULL, NULL);
    ELSIF session_is_public(NEW.state) THEN
        old_room := room_name(OLD.event_id, OLD.room_id);
        new_room := room_name(NEW.event_id, NEW.room_id);
        IF (OLD.start_at, OLD.end_at) IS DISTINCT FROM (NEW.start_at, NEW.end_at) OR old_room IS DISTINCT FROM new_room THEN
            PERFORM log_session_change(NEW.event_id, NEW.id, 'moved', NEW.title, NULL,
                OLD.start_at, OLD.end_at, old_room, NEW.start_at, NEW.end_at, new_room, NULL, NULL);
        END IF;
        IF OLD.title IS DISTINCT FROM NEW.title THEN
            PERFORM log_session_change(NEW.event_id, NEW.id, 'retitled', NEW.title, OLD.title, NULL, NULL, NULL,
                NEW.start_at, NEW.end_at, new_room, NULL, NULL);
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER sessions_log_change AFTER INSERT OR UPDATE OR DELETE ON sessions
    FOR EACH ROW EXECUTE FUNCTION sessions_log_change();

-- Speaker lists of public sessions that existed before this transaction. The old list is
-- the current one without the inserted links, or with the deleted ones.
CREATE FUNCTION session_speakers_log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM log_session_change(s.event_id, s.id, 'speakers', s.title, NULL, NULL, NULL, NULL,
            s.start_at, s.end_at, room_name(s.event_id, s.room_id),
            (SELECT string_agg(sp.name, ', ' ORDER BY l.ordinal, sp.name)
             FROM session_speakers l JOIN speakers sp ON sp.event_id = l.event_id AND sp.id = l.speaker_id
             WHERE l.event_id = s.event_id AND l.session_id = s.id
               AND NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.event_id = l.event_id AND n.session_id = l.session_id AND n.speaker_id = l.speaker_id)),
            session_speaker_names(s.event_id, s.id))
        FROM sessions s
        WHERE (s.event_id, s.id) IN (SELECT DISTINCT event_id, session_id FROM new_rows)
          AND session_is_public(s.state) AND s.created_xact <> txid_current() AND event_is_established(s.event_id)
          AND NOT EXISTS (SELECT 1 FROM session_changes c WHERE c.xact = txid_current()
                          AND c.event_id = s.event_id AND c.session_id = s.id AND c.kind = 'added');
    ELSE
        PERFORM log_session_change(s.event_id, s.id, 'speakers', s.title, NULL, NULL, NULL, NULL,
            s.start_at, s.end_at, room_name(s.event_id, s.room_id),
            (SELECT string_agg(x.name, ', ' ORDER BY x.ordinal, x.name) FROM (
                SELECT sp.name, l.ordinal FROM session_speakers l JOIN speakers sp ON sp.event_id = l.event_id AND sp.id = l.speaker_id
                WHERE l.event_id = s.event_id AND l.session_id = s.id
                UNION ALL
                SELECT sp.name, o.ordinal FROM old_rows o JOIN speakers sp ON sp.event_id = o.event_id AND sp.id = o.speaker_id
                WHERE o.event_id = s.event_id AND o.session_id = s.id) x),
            session_speaker_names(s.event_id, s.id))
        FROM sessions s
        WHERE (s.event_id, s.id) IN (SELECT DISTINCT event_id, session_id FROM old_rows)
          AND session_is_public(s.state) AND s.created_xact <> txid_current() AND event_is_established(s.event_id)
          AND NOT EXISTS (SELECT 1 FROM session_changes c WHERE c.xact = txid_current()
                          AND c.event_id = s.event_id AND c.session_id = s.id AND c.kind = 'added');
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER session_speakers_log_insert AFTER INSERT ON session_speakers
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION session_speakers_log_change();
CREATE TRIGGER session_speakers_log_delete AFTER DELETE ON session_speakers
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION session_speakers_log_change();

-- A deleted event takes its news with it (a re-created event starts afresh).
CREATE FUNCTION events_forget_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM session_changes WHERE event_id = OLD.id;
    RETURN NULL;
END $$;

CREATE TRIGGER events_forget_changes AFTER DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_forget_changes();
