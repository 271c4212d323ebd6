namespace Lantern.Storage.Sqlite;

/// <summary>The SQLite schema, one step per version; never edit a released step, add a new one.</summary>
internal static class SqliteMigrations
{
    public static IReadOnlyList<StoreMigration> All { get; } =
    [
        new(1, "mailboxes", """
            CREATE TABLE mailboxes (
                id TEXT NOT NULL PRIMARY KEY,
                mailbox TEXT NOT NULL,
                context TEXT NOT NULL,
                voice_counts TEXT NOT NULL,
                fax_counts TEXT NULL,
                pager_counts TEXT NULL,
                multimedia_counts TEXT NULL,
                text_counts TEXT NULL,
                version INTEGER NOT NULL,
                source TEXT NOT NULL,
                updated_at INTEGER NOT NULL,
                publication_lapsed INTEGER NOT NULL DEFAULT 0
            ) WITHOUT ROWID;
            CREATE INDEX mailboxes_context ON mailboxes (context);
            """),
        new(2, "records", """
            CREATE TABLE records (
                kind TEXT NOT NULL,
                key TEXT NOT NULL,
                value TEXT NOT NULL,
                expires_at INTEGER NULL,
                updated_at INTEGER NOT NULL,
                PRIMARY KEY (kind, key)
            ) WITHOUT ROWID;
            CREATE INDEX records_expires_at ON records (expires_at) WHERE expires_at IS NOT NULL;
            """),
        new(3, "mailbox history", """
            CREATE TABLE mailbox_history (
                seq INTEGER PRIMARY KEY,
                mailbox_id TEXT NOT NULL,
                at INTEGER NOT NULL,
                kind TEXT NOT NULL,
                source TEXT NOT NULL,
                actor TEXT NOT NULL,
                old_counts TEXT NULL,
                new_counts TEXT NULL,
                version INTEGER NOT NULL
            );
            CREATE INDEX mailbox_history_mailbox ON mailbox_history (mailbox_id, seq);
            """),
    ];
}
