namespace Lantern.Storage;

/// <summary>One schema step; applied once, in version order, inside a transaction that also records it in <c>schema_version</c>.</summary>
internal sealed record StoreMigration(int Version, string Description, string Sql);
