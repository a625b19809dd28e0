-- Documents, chunks with a generated tsvector (title weight B, body weight A) and its GIN index, the BM25 postings
-- derived from it, reader sentence annotations, feed validators and near-duplicate signatures: what the SQLite file
-- holds in the embedded setup.
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
  id        integer GENERATED ALWAYS AS IDENTITY UNIQUE,  -- the postings' short key
  doc_id    text NOT NULL,
  idx       integer NOT NULL,
  start     integer NOT NULL,
  "end"     integer NOT NULL,
  sentences jsonb NOT NULL,
  title     text NOT NULL,
  body      text NOT NULL,
  n_tokens  integer NOT NULL DEFAULT 0,  -- indexed tokens of title and body: BM25's document length
  tsv       tsvector GENERATED ALWAYS AS (
              setweight(to_tsvector('english', title), 'B') || setweight(to_tsvector('english', body), 'A')) STORED
);
CREATE INDEX chunks_doc ON chunks (doc_id);
CREATE INDEX chunks_tsv ON chunks USING gin (tsv);

-- BM25 as FTS5 computes it (k1 1.2, b 0.75, title tokens count half): per (lexeme, chunk) the length-normalised term
-- weight `impact`, written with the chunk; idf comes from `lexicon.df` and `keyword_stats` at query time.
CREATE TABLE postings (
  lexeme   text NOT NULL,
  chunk    integer NOT NULL,  -- chunks.id
  date_int integer,
  source   text NOT NULL,
  impact   real NOT NULL,
  PRIMARY KEY (chunk, lexeme)
);
CREATE INDEX postings_impact ON postings (lexeme, impact DESC) INCLUDE (chunk, date_int, source);
CREATE TABLE lexicon (
  lexeme text PRIMARY KEY,
  df     integer NOT NULL
);
CREATE TABLE keyword_stats (
  id        integer PRIMARY KEY CHECK (id = 1),
  n_chunks  bigint NOT NULL,
  total_len bigint NOT NULL
);
INSERT INTO keyword_stats VALUES (1, 0, 0);

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
CREATE INDEX minhash_seq ON minhash (seq);
CREATE TABLE doc_sources (
  doc_id    text NOT NULL,
  origin_id text NOT NULL,
  source    text,
  url       text,
  title     text,
  date      text,
  PRIMARY KEY (doc_id, origin_id)
);
