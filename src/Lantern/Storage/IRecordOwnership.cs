namespace Lantern.Storage;

/// <summary>Cluster ownership of records (PostgreSQL): each record has one owning node, nodes hold leases, and the records
/// of a node whose lease expired are taken over by a survivor. A single-node store does not implement it.</summary>
internal interface IRecordOwnership
{
    /// <summary>This node's id, the owner of what it writes.</summary>
    string NodeId { get; }

    /// <summary>How long a node's lease lasts after its last renewal.</summary>
    TimeSpan LeaseTime { get; }

    /// <summary>Called (on a store thread, never under a caller's lock) with (kind, key) when another node took a record this
    /// node owned: a phone's request moved it there. The node forgets its copy without a NOTIFY or a write.</summary>
    Action<string, string>? Released { get; set; }

    /// <summary>Called when notifications of moved records may have been missed (the listening connection was lost).</summary>
    Action? ReleasesMissed { get; set; }

    /// <summary>Renews this node's lease (creating its row at the first call). False when the lease had already expired (or
    /// the row was created): survivors may have taken this node's records, so what it holds must be re-read.</summary>
    ValueTask<bool> RenewLeaseAsync(CancellationToken cancellationToken);

    /// <summary>Makes this node the owner of the records of every node whose lease has expired (and of records without an
    /// owner), atomically: of several survivors trying at once, each record goes to exactly one. Returns what it took.</summary>
    ValueTask<IReadOnlyList<StoredRecord>> TakeOverAsync(CancellationToken cancellationToken);

    /// <summary>Makes this node the owner of one record whoever owned it (a phone's in-dialog request reached this node);
    /// null when there is no such record.</summary>
    ValueTask<StoredRecord?> ClaimAsync(string kind, string key, CancellationToken cancellationToken);

    /// <summary>The keys of one kind this node owns.</summary>
    ValueTask<IReadOnlyList<string>> OwnedKeysAsync(string kind, CancellationToken cancellationToken);
}
