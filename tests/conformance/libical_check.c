/*
 * libical_check: reads every .ics of a conformance manifest with libical's parser, the
 * library behind Evolution, Thunderbird's older core and many CalDAV servers.
 *
 * Usage: libical_check MANIFEST.json
 *
 * For each manifest entry with "format": "ics" it prints one JSON line:
 *   {"id":..., "path":..., "format":"ics", "checker":"libical", "count":N,
 *    "errors":[...], "warnings":[...]}
 * errors:   every X-LIC-ERROR property the parser attached (libical never fails a parse;
 *           it records problems as X-LIC-ERROR), a top level that is not one VCALENDAR,
 *           DTSTART/DTEND whose TZID resolves to no VTIMEZONE of the file, and, when the
 *           entry names an "expected" sidecar, any UID, SUMMARY, start or end (converted to
 *           UTC through the file's own VTIMEZONE) that differs from it. Recurring series
 *           (RRULE/RDATE/EXDATE) are expanded with libical's icalrecur_iterator up to the end of
 *           the sidecar's "window", every rule iterated from DTSTART (so COUNT is counted from the
 *           series' start) and the window overlap decided here by the writers' rule; overrides
 *           (RECURRENCE-ID, TZID resolved through the file's VTIMEZONE) replace the starts they name; each
 *           occurrence is compared with the sidecar entry of its series and original start.
 * warnings: what icalrestriction_check (RFC 5546 iTIP restrictions for the file's METHOD)
 *           adds; informative only, iTIP rules are written for scheduling messages.
 * Exit status: 0 no file had errors, 1 some had, 2 the checker could not run.
 *
 * Build: gcc -O2 -std=c11 -o libical_check libical_check.c $(pkg-config --cflags --libs libical)
 * (scripts/install-test-deps.sh does this.)
 */
#define _POSIX_C_SOURCE 200809L
#include <libical/ical.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_ERRORS 50

/* ---------------------------------------------------------------- minimal JSON reader */

typedef enum { J_NULL, J_BOOL, J_NUMBER, J_STRING, J_ARRAY, J_OBJECT } json_kind;

typedef struct json {
    json_kind kind;
    char *string;          /* J_STRING: UTF-8; J_NUMBER: the literal */
    char *key;             /* member name when inside an object */
    struct json *child;    /* first element or member */
    struct json *next;     /* next sibling */
} json;

typedef struct {
    const char *p;
    const char *end;
    const char *error;
} json_reader;

static void *xmalloc(size_t size)
{
    void *memory = malloc(size == 0 ? 1 : size);
    if (memory == NULL) {
        fprintf(stderr, "libical_check: out of memory\n");
        exit(2);
    }
    return memory;
}

static void skip_space(json_reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r')) {
        r->p++;
    }
}

static size_t put_utf8(char *out, unsigned long cp)
{
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    if (cp < 0x800) { out[0] = (char)(0xC0 | (cp >> 6)); out[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12)); out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F)); return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18)); out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static bool read_hex4(json_reader *r, unsigned long *value)
{
    if (r->end - r->p < 4) { return false; }
    *value = 0;
    for (int i = 0; i < 4; i++) {
        char c = *r->p++;
        *value <<= 4;
        if (c >= '0' && c <= '9') { *value |= (unsigned long)(c - '0'); }
        else if (c >= 'a' && c <= 'f') { *value |= (unsigned long)(c - 'a' + 10); }
        else if (c >= 'A' && c <= 'F') { *value |= (unsigned long)(c - 'A' + 10); }
        else { return false; }
    }
    return true;
}

static char *read_string(json_reader *r)
{
    /* Output is never longer than the input (escapes shrink or keep length), so the
       closing quote bounds the allocation. */
    const char *start = ++r->p;
    const char *quote = start;
    while (quote < r->end && *quote != '"') {
        quote += *quote == '\\' ? 2 : 1;
    }
    char *out = xmalloc((size_t)(quote - start) + 1);
    size_t n = 0;
    while (r->p < r->end && *r->p != '"') {
        char c = *r->p++;
        if (c != '\\') { out[n++] = c; continue; }
        if (r->p >= r->end) { break; }
        c = *r->p++;
        switch (c) {
        case 'b': out[n++] = '\b'; break;
        case 'f': out[n++] = '\f'; break;
        case 'n': out[n++] = '\n'; break;
        case 'r': out[n++] = '\r'; break;
        case 't': out[n++] = '\t'; break;
        case 'u': {
            unsigned long cp, low;
            if (!read_hex4(r, &cp)) { r->error = "bad \\u escape"; free(out); return NULL; }
            if (cp >= 0xD800 && cp <= 0xDBFF && r->end - r->p >= 6 && r->p[0] == '\\' && r->p[1] == 'u') {
                const char *save = r->p;
                r->p += 2;
                if (read_hex4(r, &low) && low >= 0xDC00 && low <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                } else {
                    r->p = save;
                    cp = 0xFFFD;
                }
            } else if (cp >= 0xD800 && cp <= 0xDFFF) {
                cp = 0xFFFD;
            }
            n += put_utf8(out + n, cp);
            break;
        }
        default: out[n++] = c; break;
        }
    }
    if (r->p >= r->end) { r->error = "unterminated string"; free(out); return NULL; }
    r->p++;
    out[n] = '\0';
    return out;
}

static json *read_value(json_reader *r, int depth)
{
    skip_space(r);
    if (r->p >= r->end) { r->error = "unexpected end"; return NULL; }
    if (depth > 64) { r->error = "nested too deeply"; return NULL; }
    json *v = xmalloc(sizeof *v);
    memset(v, 0, sizeof *v);
    char c = *r->p;
    if (c == '"') {
        v->kind = J_STRING;
        if ((v->string = read_string(r)) == NULL) { free(v); return NULL; }
    } else if (c == '[' || c == '{') {
        bool object = c == '{';
        v->kind = object ? J_OBJECT : J_ARRAY;
        r->p++;
        json **tail = &v->child;
        skip_space(r);
        if (r->p < r->end && *r->p == (object ? '}' : ']')) { r->p++; return v; }
        for (;;) {
            char *key = NULL;
            if (object) {
                skip_space(r);
                if (r->p >= r->end || *r->p != '"') { r->error = "expected member name"; return NULL; }
                if ((key = read_string(r)) == NULL) { return NULL; }
                skip_space(r);
                if (r->p >= r->end || *r->p != ':') { r->error = "expected ':'"; return NULL; }
                r->p++;
            }
            json *item = read_value(r, depth + 1);
            if (item == NULL) { return NULL; }
            item->key = key;
            *tail = item;
            tail = &item->next;
            skip_space(r);
            if (r->p < r->end && *r->p == ',') { r->p++; continue; }
            if (r->p < r->end && *r->p == (object ? '}' : ']')) { r->p++; break; }
            r->error = "expected ',' or end of container";
            return NULL;
        }
    } else if (strncmp(r->p, "true", 4) == 0 || strncmp(r->p, "false", 5) == 0) {
        v->kind = J_BOOL;
        v->string = strdup(c == 't' ? "true" : "false");
        r->p += c == 't' ? 4 : 5;
    } else if (strncmp(r->p, "null", 4) == 0) {
        v->kind = J_NULL;
        r->p += 4;
    } else {
        const char *start = r->p;
        while (r->p < r->end && strchr("+-0123456789.eE", *r->p) != NULL) { r->p++; }
        if (r->p == start) { r->error = "unexpected character"; free(v); return NULL; }
        v->kind = J_NUMBER;
        v->string = strndup(start, (size_t)(r->p - start));
    }
    return v;
}

static void json_free(json *value)
{
    while (value != NULL) {
        json *next = value->next;
        json_free(value->child);
        free(value->string);
        free(value->key);
        free(value);
        value = next;
    }
}

static const json *member(const json *object, const char *name)
{
    if (object == NULL || object->kind != J_OBJECT) { return NULL; }
    for (const json *m = object->child; m != NULL; m = m->next) {
        if (strcmp(m->key, name) == 0) { return m; }
    }
    return NULL;
}

static const char *member_string(const json *object, const char *name)
{
    const json *m = member(object, name);
    return m != NULL && m->kind == J_STRING ? m->string : NULL;
}

static char *read_file(const char *path, size_t *length)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) { return NULL; }
    size_t capacity = 1 << 16, n = 0;
    char *data = xmalloc(capacity);
    for (;;) {
        if (n + 1 >= capacity) {
            capacity *= 2;
            char *bigger = realloc(data, capacity);
            if (bigger == NULL) { free(data); fclose(f); return NULL; }
            data = bigger;
        }
        size_t got = fread(data + n, 1, capacity - n - 1, f);
        if (got == 0) { break; }
        n += got;
    }
    fclose(f);
    data[n] = '\0';
    if (length != NULL) { *length = n; }
    return data;
}

static json *read_json_file(const char *path)
{
    size_t length;
    char *text = read_file(path, &length);
    if (text == NULL) { return NULL; }
    json_reader r = { text, text + length, NULL };
    json *root = read_value(&r, 0);
    if (root == NULL) { fprintf(stderr, "libical_check: %s: %s\n", path, r.error); }
    /* The tree owns copies of its strings, so the text can go. */
    free(text);
    return root;
}

/* ---------------------------------------------------------------- JSON output */

static void put_json_string(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s != NULL ? s : "");
    fputc('"', out);
    while (*p != '\0') {
        unsigned char c = *p;
        if (c == '"' || c == '\\') { fputc('\\', out); fputc(c, out); p++; continue; }
        if (c < 0x20) { fprintf(out, "\\u%04x", c); p++; continue; }
        if (c < 0x80) { fputc(c, out); p++; continue; }
        /* Copy a well-formed UTF-8 sequence; anything else becomes U+FFFD. */
        int length = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
        bool ok = length > 0 && !(c >= 0xF0 && length != 4);
        for (int i = 1; ok && i < length; i++) { ok = (p[i] & 0xC0) == 0x80; }
        if (ok) { fwrite(p, 1, (size_t)length, out); p += length; }
        else { fputs("\\ufffd", out); p++; }
    }
    fputc('"', out);
}

typedef struct {
    char *items[MAX_ERRORS + 1];
    int count;
    int dropped;
} messages;

static void add(messages *m, const char *format, ...)
{
    if (m->count >= MAX_ERRORS) { m->dropped++; return; }
    va_list args;
    va_start(args, format);
    char buffer[2048];
    vsnprintf(buffer, sizeof buffer, format, args);
    va_end(args);
    m->items[m->count++] = strdup(buffer);
}

static void put_messages(FILE *out, const messages *m)
{
    fputc('[', out);
    for (int i = 0; i < m->count; i++) {
        if (i > 0) { fputc(',', out); }
        put_json_string(out, m->items[i]);
        free(m->items[i]);
    }
    if (m->dropped > 0) {
        char note[64];
        snprintf(note, sizeof note, "... and %d more", m->dropped);
        if (m->count > 0) { fputc(',', out); }
        put_json_string(out, note);
    }
    fputc(']', out);
}

/* ---------------------------------------------------------------- the checks */

/* Collects X-LIC-ERROR properties of the whole tree, oldest first. */
static void collect_errors(icalcomponent *component, messages *into)
{
    for (icalproperty *p = icalcomponent_get_first_property(component, ICAL_XLICERROR_PROPERTY);
         p != NULL; p = icalcomponent_get_next_property(component, ICAL_XLICERROR_PROPERTY)) {
        const char *text = icalproperty_get_xlicerror(p);
        icalparameter *type = icalproperty_get_first_parameter(p, ICAL_XLICERRORTYPE_PARAMETER);
        add(into, "%s: %s%s%s", icalcomponent_kind_to_string(icalcomponent_isa(component)),
            type != NULL ? icalparameter_enum_to_string(icalparameter_get_xlicerrortype(type)) : "",
            type != NULL ? ": " : "", text != NULL ? text : "");
    }
    for (icalcomponent *c = icalcomponent_get_first_component(component, ICAL_ANY_COMPONENT);
         c != NULL; c = icalcomponent_get_next_component(component, ICAL_ANY_COMPONENT)) {
        collect_errors(c, into);
    }
}

static int count_error_properties(icalcomponent *component, int *per_component_counts, int *index)
{
    int own = icalcomponent_count_properties(component, ICAL_XLICERROR_PROPERTY);
    per_component_counts[(*index)++] = own;
    int total = own;
    for (icalcomponent *c = icalcomponent_get_first_component(component, ICAL_ANY_COMPONENT);
         c != NULL; c = icalcomponent_get_next_component(component, ICAL_ANY_COMPONENT)) {
        total += count_error_properties(c, per_component_counts, index);
    }
    return total;
}

static int count_components(icalcomponent *component)
{
    int n = 1;
    for (icalcomponent *c = icalcomponent_get_first_component(component, ICAL_ANY_COMPONENT);
         c != NULL; c = icalcomponent_get_next_component(component, ICAL_ANY_COMPONENT)) {
        n += count_components(c);
    }
    return n;
}

/* New X-LIC-ERRORs (added after `before` counts) in tree order. */
static void collect_new_errors(icalcomponent *component, const int *before, int *index, messages *into)
{
    int skip = before[(*index)++];
    int seen = 0;
    for (icalproperty *p = icalcomponent_get_first_property(component, ICAL_XLICERROR_PROPERTY);
         p != NULL; p = icalcomponent_get_next_property(component, ICAL_XLICERROR_PROPERTY)) {
        if (seen++ < skip) { continue; }
        add(into, "%s: %s", icalcomponent_kind_to_string(icalcomponent_isa(component)),
            icalproperty_get_xlicerror(p) != NULL ? icalproperty_get_xlicerror(p) : "");
    }
    for (icalcomponent *c = icalcomponent_get_first_component(component, ICAL_ANY_COMPONENT);
         c != NULL; c = icalcomponent_get_next_component(component, ICAL_ANY_COMPONENT)) {
        collect_new_errors(c, before, index, into);
    }
}

static bool to_utc_text(struct icaltimetype t, char *out, size_t size)
{
    if (icaltime_is_null_time(t)) { return false; }
    if (!icaltime_is_date(t) && !icaltime_is_utc(t) && t.zone == NULL) { return false; }
    struct icaltimetype utc = icaltime_is_date(t)
        ? t
        : icaltime_convert_to_zone(t, icaltimezone_get_utc_timezone());
    snprintf(out, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", utc.year, utc.month, utc.day,
             icaltime_is_date(t) ? 0 : utc.hour, icaltime_is_date(t) ? 0 : utc.minute,
             icaltime_is_date(t) ? 0 : utc.second);
    return true;
}

static const json *find_session(const json *expected, const char *uid)
{
    const json *sessions = member(expected, "sessions");
    if (sessions == NULL || sessions->kind != J_ARRAY) { return NULL; }
    for (const json *s = sessions->child; s != NULL; s = s->next) {
        const char *candidate = member_string(s, "uid");
        if (candidate != NULL && strcmp(candidate, uid) == 0) { return s; }
    }
    return NULL;
}

static const json *find_occurrence(const json *expected, const char *series, const char *recurrence_id)
{
    const json *sessions = member(expected, "sessions");
    if (sessions == NULL || sessions->kind != J_ARRAY) { return NULL; }
    for (const json *s = sessions->child; s != NULL; s = s->next) {
        const char *a = member_string(s, "series");
        const char *b = member_string(s, "recurrenceId");
        if (a != NULL && b != NULL && strcmp(a, series) == 0 && strcmp(b, recurrence_id) == 0) { return s; }
    }
    return NULL;
}

/* One VEVENT (or occurrence) read by libical against its sidecar entry. */
static void compare_event(messages *errors, const json *want, const char *label, const char *summary,
                          const char *start, bool has_start, const char *end, bool has_end,
                          enum icalproperty_status status)
{
    const char *title = member_string(want, "title");
    if (title != NULL && (summary == NULL || strcmp(summary, title) != 0)) {
        add(errors, "%s: SUMMARY \"%s\" != title \"%s\"", label, summary != NULL ? summary : "(none)", title);
    }
    const char *want_start = member_string(want, "start");
    const char *want_end = member_string(want, "end");
    if (has_start && want_start != NULL && strcmp(start, want_start) != 0) {
        add(errors, "%s: start %s != %s", label, start, want_start);
    }
    if (has_end && want_end != NULL && strcmp(end, want_end) != 0) {
        add(errors, "%s: end %s != %s", label, end, want_end);
    }
    const char *want_status = member_string(want, "status");
    bool cancelled = want_status != NULL && strcmp(want_status, "CANCELLED") == 0;
    if (cancelled != (status == ICAL_STATUS_CANCELLED)) {
        add(errors, "%s: STATUS %s for a session that is %scancelled", label,
            icalproperty_status_to_string(status), cancelled ? "" : "not ");
    }
}

static void time_t_text(time_t t, char *out, size_t size)
{
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* "2027-01-30T12:00:00Z" -> UTC icaltime. */
static struct icaltimetype sidecar_time(const char *text)
{
    char basic[32];
    size_t n = 0;
    for (const char *c = text; *c != '\0' && n + 1 < sizeof basic; c++) {
        if (*c != '-' && *c != ':') { basic[n++] = *c; }
    }
    basic[n] = '\0';
    return icaltime_from_string(basic);
}

/* The writers' rule: an occurrence is in the window when it overlaps it. */
static bool overlaps_window(const char *start, const char *end, const char *window_start, const char *window_end)
{
    return strcmp(start, window_end) < 0
        && (strcmp(end, window_start) > 0 || (strcmp(end, start) == 0 && strcmp(start, window_start) >= 0));
}

/* A date-time property value with its TZID resolved through the file's own VTIMEZONE. */
static struct icaltimetype zoned(icalcomponent *root, icalproperty *p, struct icaltimetype t)
{
    icalparameter *tzid = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
    if (tzid != NULL && !icaltime_is_utc(t)) {
        icaltimezone *zone = icalcomponent_get_timezone(root, icalparameter_get_tzid(tzid));
        if (zone != NULL) { t = icaltime_set_timezone(&t, zone); }
    }
    return t;
}

static time_t utc_seconds(struct icaltimetype t)
{
    return icaltime_as_timet(icaltime_convert_to_zone(t, icaltimezone_get_utc_timezone()));
}

/* The override (RECURRENCE-ID) of this series at this original start, or NULL. */
static icalcomponent *find_override(icalcomponent *root, const char *uid, const char *recurrence_id)
{
    /* An external iterator: the caller is iterating root's components with the internal one. */
    icalcompiter iterator = icalcomponent_begin_component(root, ICAL_VEVENT_COMPONENT);
    for (icalcomponent *e = icalcompiter_deref(&iterator); e != NULL; e = icalcompiter_next(&iterator)) {
        char rid[32];
        const char *other = icalcomponent_get_uid(e);
        icalproperty *p = icalcomponent_get_first_property(e, ICAL_RECURRENCEID_PROPERTY);
        if (other != NULL && strcmp(other, uid) == 0 && p != NULL
            && to_utc_text(zoned(root, p, icalproperty_get_recurrenceid(p)), rid, sizeof rid)
            && strcmp(rid, recurrence_id) == 0) {
            return e;
        }
    }
    return NULL;
}

static int compare_times(const void *a, const void *b)
{
    time_t x = *(const time_t *)a, y = *(const time_t *)b;
    return x < y ? -1 : x > y;
}

/* libical's own recurrence engine (icalrecur_iterator over each RRULE from DTSTART, plus
   RDATE, minus EXDATE), then each occurrence in the window, unless an override replaces it,
   against the sidecar. Returns the number matched. */
static int expand_series(icalcomponent *root, icalcomponent *event, const char *uid, const json *expected,
                         messages *errors, const char *window_start, const char *window_end)
{
    struct icaltimetype dtstart = icalcomponent_get_dtstart(event);
    struct icaltimetype dtend = icalcomponent_get_dtend(event);
    time_t length = icaltime_is_null_time(dtend) ? 0 : utc_seconds(dtend) - utc_seconds(dtstart);
    time_t end_limit = icaltime_as_timet(sidecar_time(window_end));
    size_t capacity = 256, n = 0;
    time_t *starts = xmalloc(sizeof(time_t) * capacity);
#define PUSH(value) do { if (n == capacity) { capacity *= 2; starts = realloc(starts, sizeof(time_t) * capacity); } starts[n++] = (value); } while (0)
    PUSH(utc_seconds(dtstart));
    for (icalproperty *p = icalcomponent_get_first_property(event, ICAL_RRULE_PROPERTY);
         p != NULL; p = icalcomponent_get_next_property(event, ICAL_RRULE_PROPERTY)) {
        icalrecur_iterator *it = icalrecur_iterator_new(icalproperty_get_rrule(p), dtstart);
        for (int steps = 0; it != NULL && steps < 100000; steps++) {
            struct icaltimetype t = icalrecur_iterator_next(it);
            if (icaltime_is_null_time(t)) { break; }
            time_t at = utc_seconds(t);
            if (at >= end_limit) { break; }
            PUSH(at);
        }
        if (it != NULL) { icalrecur_iterator_free(it); }
    }
    for (icalproperty *p = icalcomponent_get_first_property(event, ICAL_RDATE_PROPERTY);
         p != NULL; p = icalcomponent_get_next_property(event, ICAL_RDATE_PROPERTY)) {
        struct icaldatetimeperiodtype r = icalproperty_get_rdate(p);
        PUSH(utc_seconds(zoned(root, p, icaltime_is_null_time(r.time) ? r.period.start : r.time)));
    }
    qsort(starts, n, sizeof(time_t), compare_times);
    int matched = 0;
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && starts[i] == starts[i - 1]) { continue; }
        bool excluded = false;
        for (icalproperty *p = icalcomponent_get_first_property(event, ICAL_EXDATE_PROPERTY);
             p != NULL && !excluded; p = icalcomponent_get_next_property(event, ICAL_EXDATE_PROPERTY)) {
            excluded = utc_seconds(zoned(root, p, icalproperty_get_exdate(p))) == starts[i];
        }
        char start[32], end[32];
        time_t_text(starts[i], start, sizeof start);
        time_t_text(starts[i] + length, end, sizeof end);
        if (excluded || !overlaps_window(start, end, window_start, window_end) || find_override(root, uid, start) != NULL) { continue; }
        const json *want = find_occurrence(expected, uid, start);
        if (want == NULL) { add(errors, "unexpected occurrence %s of %s", start, uid); continue; }
        matched++;
        char label[512];
        snprintf(label, sizeof label, "%s@%s", uid, start);
        compare_event(errors, want, label, icalcomponent_get_summary(event), start, true, end, true,
                      icalcomponent_get_status(event));
    }
#undef PUSH
    free(starts);
    return matched;
}

static int check_file(const json *entry, const char *base)
{
    const char *relative = member_string(entry, "path");
    const char *id = member_string(entry, "id");
    const char *expected_relative = member_string(entry, "expected");
    char path[4096], expected_path[4096];
    snprintf(path, sizeof path, "%s%s", relative[0] == '/' ? "" : base, relative);
    messages errors = { 0 }, warnings = { 0 };
    int count = -1;

    json *expected = NULL;
    if (expected_relative != NULL) {
        snprintf(expected_path, sizeof expected_path, "%s%s",
                 expected_relative[0] == '/' ? "" : base, expected_relative);
        if ((expected = read_json_file(expected_path)) == NULL) {
            add(&errors, "cannot read expected sidecar %s", expected_path);
        }
    }

    char *text = read_file(path, NULL);
    icalcomponent *root = NULL;
    if (text == NULL) {
        add(&errors, "cannot read file");
    } else {
        icalerror_clear_errno();
        root = icalparser_parse_string(text);
        free(text);
    }
    if (text != NULL && root == NULL) {
        add(&errors, "libical parsed nothing: %s", icalerror_strerror(icalerrno));
    }
    if (root != NULL) {
        if (icalcomponent_isa(root) != ICAL_VCALENDAR_COMPONENT) {
            add(&errors, "top level is %s, not one VCALENDAR",
                icalcomponent_kind_to_string(icalcomponent_isa(root)));
        }
        collect_errors(root, &errors);

        count = 0;
        int matched = 0;
        for (icalcomponent *event = icalcomponent_get_first_component(root, ICAL_VEVENT_COMPONENT);
             event != NULL; event = icalcomponent_get_next_component(root, ICAL_VEVENT_COMPONENT)) {
            count++;
            const char *uid = icalcomponent_get_uid(event);
            if (uid == NULL || uid[0] == '\0') { add(&errors, "VEVENT #%d: no UID", count); continue; }
            char start[32], end[32];
            bool has_start = to_utc_text(icalcomponent_get_dtstart(event), start, sizeof start);
            bool has_end = to_utc_text(icalcomponent_get_dtend(event), end, sizeof end);
            if (!has_start) { add(&errors, "%s: DTSTART missing, floating, or its TZID has no VTIMEZONE", uid); }
            if (!has_end && icalcomponent_get_first_property(event, ICAL_DTEND_PROPERTY) != NULL) {
                add(&errors, "%s: DTEND floating or its TZID has no VTIMEZONE", uid);
            }
            if (expected == NULL) { continue; }
            if (!has_end && has_start && icalcomponent_get_first_property(event, ICAL_DTEND_PROPERTY) == NULL
                && icalcomponent_get_first_property(event, ICAL_DURATION_PROPERTY) == NULL) {
                /* RFC 5545 §3.6.1: no DTEND and no DURATION on a date-time start: ends when it starts. */
                memcpy(end, start, sizeof end);
                has_end = true;
            }
            const json *window = member(expected, "window");
            const char *window_start = window != NULL ? member_string(window, "start") : NULL;
            const char *window_end = window != NULL ? member_string(window, "end") : NULL;
            if (icalcomponent_get_first_property(event, ICAL_RECURRENCEID_PROPERTY) != NULL) {
                char rid[32];
                if (window_start == NULL || window_end == NULL) { add(&errors, "%s: override but no sidecar window", uid); continue; }
                icalproperty *rid_property = icalcomponent_get_first_property(event, ICAL_RECURRENCEID_PROPERTY);
                if (!to_utc_text(zoned(root, rid_property, icalproperty_get_recurrenceid(rid_property)), rid, sizeof rid)) {
                    add(&errors, "%s: RECURRENCE-ID floating or its TZID has no VTIMEZONE", uid);
                    continue;
                }
                if (!has_start || !has_end || !overlaps_window(start, end, window_start, window_end)) { continue; }
                const json *want = find_occurrence(expected, uid, rid);
                if (want == NULL) { add(&errors, "unexpected occurrence %s of %s", rid, uid); continue; }
                matched++;
                char label[512];
                snprintf(label, sizeof label, "%s@%s", uid, rid);
                compare_event(&errors, want, label, icalcomponent_get_summary(event), start, has_start, end, has_end,
                              icalcomponent_get_status(event));
                continue;
            }
            if (icalcomponent_get_first_property(event, ICAL_RRULE_PROPERTY) != NULL
                || icalcomponent_get_first_property(event, ICAL_RDATE_PROPERTY) != NULL) {
                if (window_start == NULL || window_end == NULL) { add(&errors, "%s: series but no sidecar window", uid); continue; }
                matched += expand_series(root, event, uid, expected, &errors, window_start, window_end);
                continue;
            }
            const json *want = find_session(expected, uid);
            if (want == NULL) { add(&errors, "unexpected UID %s", uid); continue; }
            matched++;
            compare_event(&errors, want, uid, icalcomponent_get_summary(event), start, has_start, end, has_end,
                          icalcomponent_get_status(event));
        }
        if (expected != NULL) {
            const json *sessions = member(expected, "sessions");
            int want_count = 0;
            for (const json *s = sessions != NULL ? sessions->child : NULL; s != NULL; s = s->next) { want_count++; }
            if (matched != want_count) {
                add(&errors, "%d of %d expected sessions found", matched, want_count);
            }
        }

        /* iTIP restrictions are informative: remember how many errors each component had,
           run the check, report only what it added. */
        int components = count_components(root);
        int *before = xmalloc(sizeof(int) * (size_t)components);
        int index = 0;
        count_error_properties(root, before, &index);
        icalrestriction_check(root);
        index = 0;
        collect_new_errors(root, before, &index, &warnings);
        free(before);
        icalcomponent_free(root);
    }

    const json *format = member(entry, "format");
    printf("{\"id\":");
    put_json_string(stdout, id != NULL ? id : relative);
    printf(",\"path\":");
    put_json_string(stdout, path);
    printf(",\"format\":");
    put_json_string(stdout, format != NULL ? format->string : "ics");
    printf(",\"checker\":\"libical\",\"count\":");
    if (count >= 0) { printf("%d", count); } else { printf("null"); }
    printf(",\"errors\":");
    bool failed = errors.count > 0;
    put_messages(stdout, &errors);
    printf(",\"warnings\":");
    put_messages(stdout, &warnings);
    printf("}\n");
    json_free(expected);
    return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: libical_check MANIFEST.json\n");
        return 2;
    }
    json *manifest = read_json_file(argv[1]);
    if (manifest == NULL || manifest->kind != J_ARRAY) {
        fprintf(stderr, "libical_check: %s is not a JSON list\n", argv[1]);
        return 2;
    }
    char base[4096];
    const char *slash = strrchr(argv[1], '/');
    if (slash == NULL) { base[0] = '\0'; }
    else { snprintf(base, sizeof base, "%.*s/", (int)(slash - argv[1]), argv[1]); }

    /* Errors are data here, not reasons to abort. */
    icalerror_set_errors_are_fatal(0);

    int failed = 0;
    for (const json *entry = manifest->child; entry != NULL; entry = entry->next) {
        const char *format = member_string(entry, "format");
        if (format == NULL || strcmp(format, "ics") != 0 || member_string(entry, "path") == NULL) { continue; }
        failed |= check_file(entry, base);
    }
    fflush(stdout);
    json_free(manifest);
    return failed;
}
