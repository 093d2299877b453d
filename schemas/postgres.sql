-- postgres.sql — PostgreSQL tables for the CSVs of `chidao batch -f csv`
-- (src/emit_csv.c): one row per document, task, indicator and diagnostic,
-- joined by `document`, the source path (source.path in the JSON record).
--
-- Write the batch with --csv-formulas keep: by default a text cell starting
-- with = + - @ gets a leading apostrophe against spreadsheet formula
-- injection, which a database would store as data.
--
--   chidao batch -o OUT -f csv --csv-formulas keep INPUT...
--
-- Load a batch written to OUT (documents first: the others refer to it).
-- HEADER MATCH (PostgreSQL 15+) also checks that the CSV's columns are these
-- tables' columns, in this order; use HEADER true on older servers.
--
--   psql -v ON_ERROR_STOP=1 -f schemas/postgres.sql
--   \copy documents   FROM 'OUT/documents.csv'   WITH (FORMAT csv, HEADER match, ENCODING 'UTF8')
--   \copy tasks       FROM 'OUT/tasks.csv'       WITH (FORMAT csv, HEADER match, ENCODING 'UTF8')
--   \copy indicators  FROM 'OUT/indicators.csv'  WITH (FORMAT csv, HEADER match, ENCODING 'UTF8')
--   \copy diagnostics FROM 'OUT/diagnostics.csv' WITH (FORMAT csv, HEADER match, ENCODING 'UTF8')
--
-- NULL and '' differ: the CSV writes a null value as an unquoted empty field
-- (COPY reads NULL) and an empty string as "" (COPY reads '').  Lists of
-- agencies come twice: `lead` / `support` hold the canonical names joined by
-- "; " (NULL when nobody is named), `lead_json` / `support_json` the full
-- entries [{"name", "raw", "kind"}] as in the JSON record.  `section` and
-- `direction` are JSON arrays of strings.  Dates are ISO; a deadline's
-- `deadline_end` is the last day allowed.

CREATE TABLE documents (
    document     text PRIMARY KEY,
    sha256       text,
    bytes        bigint,
    encoding     text,
    format       text,
    kind         text,            -- program, plan, decision, letter, …; NULL when failed
    kind_label   text,
    number       text,
    issuer       text,
    place        text,
    date         date,
    year         integer,
    title        text,
    signer_title text,
    signer_name  text,
    tasks        integer NOT NULL, -- rows in tasks (0 when failed)
    indicators   integer NOT NULL,
    status       text NOT NULL CHECK (status IN ('ok', 'failed')),
    error        text              -- the first error diagnostic of a failed document
);

CREATE TABLE tasks (
    document            text NOT NULL REFERENCES documents ON DELETE CASCADE,
    id                  text NOT NULL, -- T001, T002 … in document order
    number              text NOT NULL, -- '' for an unlabelled paragraph
    section             jsonb NOT NULL,
    text                text NOT NULL,
    lead                text,
    lead_json           jsonb NOT NULL,
    support             text,
    support_json        jsonb NOT NULL,
    direction           jsonb NOT NULL,
    output              text,
    deadline_raw        text,          -- NULL: no deadline printed
    deadline_kind       text,
    deadline_start      date,
    deadline_end        date,
    deadline_recurrence text,          -- yearly, quarterly, monthly for kind recurring
    assigned_by         text,
    note                text,
    first_line          integer NOT NULL,
    last_line           integer NOT NULL,
    PRIMARY KEY (document, id)
);

CREATE TABLE indicators (
    document   text NOT NULL REFERENCES documents ON DELETE CASCADE,
    id         text NOT NULL, -- I001, I002 …
    number     text,
    section    jsonb NOT NULL,
    name       text,
    unit       text,
    target     text,
    lead       text,
    lead_json  jsonb NOT NULL,
    first_line integer NOT NULL,
    last_line  integer NOT NULL,
    PRIMARY KEY (document, id)
);

CREATE TABLE diagnostics (
    document text NOT NULL REFERENCES documents ON DELETE CASCADE,
    seq      integer NOT NULL, -- 1, 2 … within the document, in output order
    severity text NOT NULL CHECK (severity IN ('error', 'warning', 'info')),
    code     text NOT NULL,
    message  text NOT NULL,
    line     integer,          -- 1-based source line; NULL when none
    PRIMARY KEY (document, seq)
);

CREATE INDEX tasks_deadline_end ON tasks (deadline_end);
CREATE INDEX diagnostics_code ON diagnostics (code);
