-- Documents, chunks with a generated tsvector (title weight B, body weight A) and its GIN index, reader sentence
-- annotations, feed validators and near-duplicate signatures: what the SQLite file holds in the embedded setup.
CREATE TABLE documents (
  doc_id     text PRIMARY KEY,
  title      text NOT NULL,
  date       text,
  date_int   integer,
  source     text NOT NULL,
  url        text,
  hash       text NOT NULL,
  text       text NOT NULL,
  origin     text,
  status     text NOT NULL,
  n_chunks   integer NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX documents_date ON documents (date_int);
CREATE INDEX documents_source ON documents (source);
CREATE INDEX documents_pending ON documents (doc_id) WHERE status <> 'ok';

CREATE TABLE chunks (
  chunk_id  text PRIMARY KEY,
  doc_id    text NOT NULL,
  idx       integer NOT NULL,
  start     integer NOT NULL,
  "end"     integer NOT NULL,
  sentences jsonb NOT NULL,
  title     text NOT NULL,
  body      text NOT NULL,
  tsv       tsvector GENERATED ALWAYS AS (
              setweight(to_tsvector('english', title), 'B') || setweight(to_tsvector('english', body), 'A')) STORED
);
CREATE INDEX chunks_doc ON chunks (doc_id);
CREATE INDEX chunks_tsv ON chunks USING gin (tsv);

CREATE TABLE sentences (
  doc_id   text NOT NULL,
  start    integer NOT NULL,
  "end"    integer NOT NULL,
  lemmas   text NOT NULL,
  entities jsonb NOT NULL,
  vector   bytea NOT NULL,
  PRIMARY KEY (doc_id, start)
);

CREATE TABLE feeds (
  url           text PRIMARY KEY,
  title         text,
  etag          text,
  last_modified text,
  last_checked  text,
  items         integer DEFAULT 0
);

CREATE TABLE minhash (
  doc_id text PRIMARY KEY,
  sig    bytea NOT NULL,
  seq    bigserial NOT NULL
);
CREATE TABLE doc_sources (
  doc_id    text NOT NULL,
  origin_id text NOT NULL,
  source    text,
  url       text,
  title     text,
  date      text,
  PRIMARY KEY (doc_id, origin_id)
);
