-- Renaming a speaker or a room changes what every subscriber of the sessions that name it
-- sees, exactly as changing a session's speaker list or room does. The embedded store's
-- change detector (Changes/ChangeDetector) compares names, so it reports "speakers" for a
-- renamed speaker and "moved" for a renamed room; these triggers make the PostgreSQL change
-- log report the same. Both go through log_session_change (migration 0004), so an edit that
-- also moves or re-links a session in the same transaction still yields one row per
-- (session, kind) holding the first old values and the last new ones.

-- Speaker rename: a "speakers" change on every public session that lists the speaker. The old
-- list is the current one with this speaker's old name (rows renamed earlier in the same
-- transaction already merged their own old names into the row first written).
CREATE FUNCTION speakers_log_rename() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM log_session_change(s.event_id, s.id, 'speakers', s.title, NULL, NULL, NULL, NULL,
        s.start_at, s.end_at, room_name(s.event_id, s.room_id),
        (SELECT string_agg(CASE WHEN sp.id = OLD.id THEN OLD.name ELSE sp.name END, ', '
                           ORDER BY l.ordinal, CASE WHEN sp.id = OLD.id THEN OLD.name ELSE sp.name END)
         FROM session_speakers l JOIN speakers sp ON sp.event_id = l.event_id AND sp.id = l.speaker_id
         WHERE l.event_id = s.event_id AND l.session_id = s.id),
        session_speaker_names(s.event_id, s.id))
    FROM sessions s
    WHERE s.event_id = NEW.event_id
      AND EXISTS (SELECT 1 FROM session_speakers l WHERE l.event_id = s.event_id AND l.session_id = s.id AND l.speaker_id = NEW.id)
      AND session_is_public(s.state) AND s.created_xact <> txid_current() AND event_is_established(s.event_id)
      AND NOT EXISTS (SELECT 1 FROM session_changes c WHERE c.xact = txid_current()
                      AND c.event_id = s.event_id AND c.session_id = s.id AND c.kind = 'added');
    RETURN NULL;
END $$;

CREATE TRIGGER speakers_log_rename AFTER UPDATE OF name ON speakers
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION speakers_log_rename();

-- Room rename: a "moved" change (same times, old and new room name) on every public session in
-- the room, as the embedded store reports a session whose room name changed.
CREATE FUNCTION rooms_log_rename() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM log_session_change(s.event_id, s.id, 'moved', s.title, NULL,
        s.start_at, s.end_at, OLD.name, s.start_at, s.end_at, NEW.name, NULL, NULL)
    FROM sessions s
    WHERE s.event_id = NEW.event_id AND s.room_id = NEW.id
      AND session_is_public(s.state) AND s.created_xact <> txid_current() AND event_is_established(s.event_id)
      AND NOT EXISTS (SELECT 1 FROM session_changes c WHERE c.xact = txid_current()
                      AND c.event_id = s.event_id AND c.session_id = s.id AND c.kind = 'added');
    RETURN NULL;
END $$;

CREATE TRIGGER rooms_log_rename AFTER UPDATE OF name ON rooms
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION rooms_log_rename();
