-- Schedule schema. Children are keyed (event_id, id) because source systems only promise
-- ids unique within one event. Every change to any row of an event gives the event a new
-- version (from a global sequence, so a deleted and re-created event never reuses a version
-- that may still sit in a cache key) and notifies listeners on channel 'feedproxy_events'.

CREATE SEQUENCE event_version_seq;

CREATE TABLE events (
    id               text PRIMARY KEY,
    name             text NOT NULL,
    description      text,
    url              text,
    time_zone        text NOT NULL,
    venue_name       text,
    venue_address    text,
    venue_latitude   double precision,
    venue_longitude  double precision,
    image_url        text,
    published        boolean NOT NULL DEFAULT true,
    visibility       text NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'private')),
    private_token    text UNIQUE,
    -- Last change of the event's own fields (Event.LastModified).
    last_modified    timestamptz NOT NULL DEFAULT now(),
    -- Last change of anything belonging to the event (sessions, speakers, ...).
    content_modified timestamptz NOT NULL DEFAULT now(),
    version          bigint NOT NULL DEFAULT nextval('event_version_seq')
);

CREATE TABLE tracks (
    event_id text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    id       text NOT NULL,
    ordinal  integer NOT NULL DEFAULT 0,
    name     text NOT NULL,
    color    text,
    PRIMARY KEY (event_id, id)
);

CREATE TABLE rooms (
    event_id  text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    id        text NOT NULL,
    ordinal   integer NOT NULL DEFAULT 0,
    name      text NOT NULL,
    floor     integer,
    latitude  double precision,
    longitude double precision,
    PRIMARY KEY (event_id, id)
);

CREATE TABLE speakers (
    event_id     text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    id           text NOT NULL,
    ordinal      integer NOT NULL DEFAULT 0,
    name         text NOT NULL,
    organisation text,
    position     text,
    -- For organisers only. The read side never selects it: the schedule model has no e-mail.
    email        text,
    PRIMARY KEY (event_id, id)
);

CREATE TABLE sessions (
    event_id      text NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    id            text NOT NULL,
    ordinal       integer NOT NULL DEFAULT 0,
    title         text NOT NULL,
    subtitle      text,
    abstract      text,
    start_at      timestamptz NOT NULL,
    end_at        timestamptz NOT NULL,
    state         text NOT NULL DEFAULT 'confirmed'
                  CHECK (state IN ('draft', 'pending', 'accepted', 'confirmed', 'rejected', 'withdrawn', 'cancelled')),
    track_id      text,
    room_id       text,
    type          text,
    language      text,
    url           text,
    image_url     text,
    stream_url    text,
    video_url     text,
    slides_url    text,
    last_modified timestamptz NOT NULL DEFAULT now(),
    -- iCalendar SEQUENCE (RFC 5545 §3.8.7.4): grows on every change a subscriber sees.
    revision      integer NOT NULL DEFAULT 0,
    -- Transaction that created the row: changes within it (e.g. adding the speakers of a new
    -- session) are part of the creation, not revisions.
    created_xact  bigint NOT NULL DEFAULT txid_current(),
    PRIMARY KEY (event_id, id),
    CHECK (end_at >= start_at),
    -- Deleting a track or room keeps its sessions (PostgreSQL 15 column list for SET NULL).
    FOREIGN KEY (event_id, track_id) REFERENCES tracks (event_id, id) ON DELETE SET NULL (track_id),
    FOREIGN KEY (event_id, room_id) REFERENCES rooms (event_id, id) ON DELETE SET NULL (room_id)
);

CREATE INDEX sessions_track ON sessions (event_id, track_id);
CREATE INDEX sessions_room ON sessions (event_id, room_id);

CREATE TABLE session_speakers (
    event_id   text NOT NULL,
    session_id text NOT NULL,
    speaker_id text NOT NULL,
    ordinal    integer NOT NULL DEFAULT 0,
    PRIMARY KEY (event_id, session_id, speaker_id),
    FOREIGN KEY (event_id, session_id) REFERENCES sessions (event_id, id) ON DELETE CASCADE,
    FOREIGN KEY (event_id, speaker_id) REFERENCES speakers (event_id, id) ON DELETE CASCADE
);

CREATE INDEX session_speakers_speaker ON session_speakers (event_id, speaker_id);

-- events: a change of the event's own fields bumps its version and last_modified. Updates
-- that only touch version/content_modified (made by the child triggers below) pass through.
CREATE FUNCTION events_before_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.name, NEW.description, NEW.url, NEW.time_zone, NEW.venue_name, NEW.venue_address,
        NEW.venue_latitude, NEW.venue_longitude, NEW.image_url, NEW.published, NEW.visibility,
        NEW.private_token)
       IS DISTINCT FROM
       (OLD.name, OLD.description, OLD.url, OLD.time_zone, OLD.venue_name, OLD.venue_address,
        OLD.venue_latitude, OLD.venue_longitude, OLD.image_url, OLD.published, OLD.visibility,
        OLD.private_token)
    THEN
        NEW.last_modified := now();
        NEW.content_modified := now();
        NEW.version := nextval('event_version_seq');
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER events_before_update BEFORE UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION events_before_update();

-- Every committed change to an event row (including the version bumps made for its
-- children) notifies listeners; PostgreSQL folds identical payloads within a transaction.
CREATE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('feedproxy_events', OLD.id);
    ELSIF TG_OP = 'INSERT' OR NEW.version IS DISTINCT FROM OLD.version THEN
        PERFORM pg_notify('feedproxy_events', NEW.id);
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER events_notify AFTER INSERT OR UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_notify();

-- Child tables: statement-level with transition tables, so replacing 500 sessions bumps the
-- version once per statement rather than once per row. Branches name only the transition
-- tables that exist for TG_OP (PL/pgSQL plans each statement when first executed).
CREATE FUNCTION child_bump_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE events e SET version = nextval('event_version_seq'), content_modified = now()
        WHERE e.id IN (SELECT DISTINCT event_id FROM new_rows);
    ELSIF TG_OP = 'UPDATE' THEN
        UPDATE events e SET version = nextval('event_version_seq'), content_modified = now()
        WHERE e.id IN (SELECT event_id FROM new_rows UNION SELECT event_id FROM old_rows);
    ELSE
        UPDATE events e SET version = nextval('event_version_seq'), content_modified = now()
        WHERE e.id IN (SELECT DISTINCT event_id FROM old_rows);
    END IF;
    RETURN NULL;
END $$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['tracks', 'rooms', 'speakers', 'sessions', 'session_speakers'] LOOP
        EXECUTE format('CREATE TRIGGER %1$s_bump_insert AFTER INSERT ON %1$I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION child_bump_event()', t);
        EXECUTE format('CREATE TRIGGER %1$s_bump_update AFTER UPDATE ON %1$I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION child_bump_event()', t);
        EXECUTE format('CREATE TRIGGER %1$s_bump_delete AFTER DELETE ON %1$I REFERENCING OLD TABLE AS old_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION child_bump_event()', t);
    END LOOP;
END $$;

-- sessions: a change a subscriber sees raises the revision (SEQUENCE) and last_modified.
-- ordinal is presentation order only; created_xact/revision/last_modified are bookkeeping.
CREATE FUNCTION sessions_before_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.title, NEW.subtitle, NEW.abstract, NEW.start_at, NEW.end_at, NEW.state, NEW.track_id,
        NEW.room_id, NEW.type, NEW.language, NEW.url, NEW.image_url, NEW.stream_url,
        NEW.video_url, NEW.slides_url)
       IS DISTINCT FROM
       (OLD.title, OLD.subtitle, OLD.abstract, OLD.start_at, OLD.end_at, OLD.state, OLD.track_id,
        OLD.room_id, OLD.type, OLD.language, OLD.url, OLD.image_url, OLD.stream_url,
        OLD.video_url, OLD.slides_url)
       AND OLD.created_xact <> txid_current()
    THEN
        NEW.revision := OLD.revision + 1;
        NEW.last_modified := now();
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER sessions_before_update BEFORE UPDATE ON sessions
    FOR EACH ROW EXECUTE FUNCTION sessions_before_update();

-- Helper: revise the given sessions unless they were created in this transaction.
CREATE FUNCTION revise_sessions(p_event text[], p_session text[]) RETURNS void LANGUAGE sql AS $$
    UPDATE sessions s SET revision = s.revision + 1, last_modified = now()
    FROM unnest(p_event, p_session) AS x (event_id, session_id)
    WHERE s.event_id = x.event_id AND s.id = x.session_id AND s.created_xact <> txid_current();
$$;

-- Speakers shown on a session are part of what subscribers see.
CREATE FUNCTION session_speakers_revise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM revise_sessions(array_agg(event_id), array_agg(session_id))
        FROM (SELECT DISTINCT event_id, session_id FROM new_rows) r;
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM revise_sessions(array_agg(event_id), array_agg(session_id))
        FROM (SELECT n.event_id, n.session_id FROM new_rows n
              JOIN old_rows o USING (event_id, session_id, speaker_id)
              WHERE n.ordinal IS DISTINCT FROM o.ordinal) r;
    ELSE
        PERFORM revise_sessions(array_agg(event_id), array_agg(session_id))
        FROM (SELECT DISTINCT event_id, session_id FROM old_rows) r;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER session_speakers_revise_insert AFTER INSERT ON session_speakers
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION session_speakers_revise();
CREATE TRIGGER session_speakers_revise_update AFTER UPDATE ON session_speakers
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION session_speakers_revise();
CREATE TRIGGER session_speakers_revise_delete AFTER DELETE ON session_speakers
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION session_speakers_revise();

-- Renaming a track, room or speaker changes what its sessions show (CATEGORIES, LOCATION,
-- the speaker list), so those sessions are revised too.
CREATE FUNCTION tracks_revise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM revise_sessions(array_agg(s.event_id), array_agg(s.id))
    FROM new_rows n JOIN old_rows o USING (event_id, id)
    JOIN sessions s ON s.event_id = n.event_id AND s.track_id = n.id
    WHERE (n.name, n.color) IS DISTINCT FROM (o.name, o.color);
    RETURN NULL;
END $$;

CREATE TRIGGER tracks_revise AFTER UPDATE ON tracks
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tracks_revise();

CREATE FUNCTION rooms_revise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM revise_sessions(array_agg(s.event_id), array_agg(s.id))
    FROM new_rows n JOIN old_rows o USING (event_id, id)
    JOIN sessions s ON s.event_id = n.event_id AND s.room_id = n.id
    WHERE (n.name, n.floor, n.latitude, n.longitude) IS DISTINCT FROM (o.name, o.floor, o.latitude, o.longitude);
    RETURN NULL;
END $$;

CREATE TRIGGER rooms_revise AFTER UPDATE ON rooms
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rooms_revise();

CREATE FUNCTION speakers_revise() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM revise_sessions(array_agg(l.event_id), array_agg(l.session_id))
    FROM new_rows n JOIN old_rows o USING (event_id, id)
    JOIN session_speakers l ON l.event_id = n.event_id AND l.speaker_id = n.id
    WHERE (n.name, n.organisation, n.position) IS DISTINCT FROM (o.name, o.organisation, o.position);
    RETURN NULL;
END $$;

CREATE TRIGGER speakers_revise AFTER UPDATE ON speakers
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION speakers_revise();
