-- Private-event URL tokens are stored as their SHA-256 ("sha256:" + 64 hex digits), never as
-- handed out: a copy of the database (backup, replica, leaked dump) opens no private feed.
-- Existing plain tokens are hashed in place, so URLs already handed out keep working. The
-- version trigger is held off for the rewrite: the stored form changes, the token does not,
-- and feeds must keep their ETags and Last-Modified.
ALTER TABLE events DISABLE TRIGGER events_before_update;

UPDATE events
   SET private_token = 'sha256:' || encode(sha256(convert_to(private_token, 'UTF8')), 'hex')
 WHERE private_token IS NOT NULL
   AND private_token NOT LIKE 'sha256:%';

ALTER TABLE events ENABLE TRIGGER events_before_update;
