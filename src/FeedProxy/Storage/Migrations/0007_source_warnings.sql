-- What the last good body of a source had that could not be served as it was (a rejected
-- RRULE, a RECURRENCE-ID that names no occurrence), one line each; the admin API shows it in
-- the source's status. NULL: nothing.
ALTER TABLE event_sources ADD COLUMN last_warnings text;
