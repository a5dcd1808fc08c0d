-- Collection members may carry a title prefix and a colour (docs/collections.md). They live in
-- the definition document like the members' filters; the application validates them, and
-- these checks keep a hand-written row from holding what the application would refuse:
-- a prefix is one line of at most 50 characters, a colour "#rgb", "#rrggbb" or a CSS name.
ALTER TABLE collections ADD CONSTRAINT collections_member_prefix CHECK (
    NOT jsonb_path_exists(definition,
        '$.members[*].prefix ? (@.type() != "string" || !(@ like_regex "^[^\\n\\r]{0,50}$"))'));

ALTER TABLE collections ADD CONSTRAINT collections_member_color CHECK (
    NOT jsonb_path_exists(definition,
        '$.members[*].color ? (@.type() != "string" || !(@ like_regex "^(#[0-9a-f]{3}|#[0-9a-f]{6}|[a-z]{3,20})$"))'));
