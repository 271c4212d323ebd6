namespace Lantern.Storage.Postgres;

/// <summary>The PostgreSQL schema, the same tables and versions as SQLite's; never edit a released step, add a new one.</summary>
internal static class PostgresMigrations
{
    /// <summary>Key of the advisory lock that serialises migrations when several nodes start at once.</summary>
    public const long AdvisoryLockKey = 0x4C616E7465726E; // "Lantern"

    public static IReadOnlyList<StoreMigration> All { get; } =
    [
        new(1, "mailboxes", """
            CREATE TABLE mailboxes (
                id text NOT NULL PRIMARY KEY,
                mailbox text NOT NULL,
                context text NOT NULL,
                voice_counts text NOT NULL,
                fax_counts text NULL,
                pager_counts text NULL,
                multimedia_counts text NULL,
                text_counts text NULL,
                version bigint NOT NULL,
                source text NOT NULL,
                updated_at timestamptz NOT NULL,
                publication_lapsed boolean NOT NULL DEFAULT false
            );
            CREATE INDEX mailboxes_context ON mailboxes (context);
            """),
        new(2, "records", """
            CREATE TABLE records (
                kind text NOT NULL,
                key text NOT NULL,
                value text NOT NULL,
                expires_at timestamptz NULL,
                updated_at timestamptz NOT NULL,
                PRIMARY KEY (kind, key)
            );
            CREATE INDEX records_expires_at ON records (expires_at) WHERE expires_at IS NOT NULL;
            """),
        // Cluster ownership (decision 0023): node leases, one owning node per record, and a notification to the old owner
        // when a record moves so it forgets its copy at once.
        new(3, "nodes and record owners", """
            CREATE TABLE nodes (
                id text NOT NULL PRIMARY KEY,
                started_at timestamptz NOT NULL,
                heartbeat_at timestamptz NOT NULL,
                lease_expires_at timestamptz NOT NULL
            );
            ALTER TABLE records ADD COLUMN owner text NULL;
            CREATE INDEX records_owner ON records (owner);
            CREATE FUNCTION lantern_record_moved() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('lantern_records', OLD.owner || ' ' || COALESCE(NEW.owner, '-') || ' ' || NEW.kind || ' ' || NEW.key);
                RETURN NULL;
            END
            $$;
            CREATE TRIGGER records_owner_moved AFTER UPDATE OF owner ON records FOR EACH ROW
                WHEN (OLD.owner IS NOT NULL AND OLD.owner IS DISTINCT FROM NEW.owner)
                EXECUTE FUNCTION lantern_record_moved();
            """),
        new(4, "mailbox history", """
            CREATE TABLE mailbox_history (
                seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                mailbox_id text NOT NULL,
                at timestamptz NOT NULL,
                kind text NOT NULL,
                source text NOT NULL,
                actor text NOT NULL,
                old_counts text NULL,
                new_counts text NULL,
                version bigint NOT NULL
            );
            CREATE INDEX mailbox_history_mailbox ON mailbox_history (mailbox_id, seq);
            """),
        // Cluster-wide SSE change ids (decision 0039): each mailbox commit draws one in its transaction. The sequence starts at
        // the creation time in microseconds since the Unix epoch, so a new database's ids stay above any an SSE client kept from
        // an earlier one (or from a single node, whose ids start at its start time) and those resume as a resync.
        new(5, "mailbox change ids", """
            DO $$
            BEGIN
                EXECUTE format('CREATE SEQUENCE mailbox_change_ids START WITH %s',
                    (extract(epoch FROM clock_timestamp()) * 1000000)::bigint);
            END
            $$;
            """),
        // Decision 0041: the token of the phone's request that last claimed a record, which a delete is conditional on.
        new(6, "record claims", """
            ALTER TABLE records ADD COLUMN claim bigint NOT NULL DEFAULT 0;
            """),
    ];
}
